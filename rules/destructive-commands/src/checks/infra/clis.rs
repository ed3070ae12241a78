//! Tools whose subcommands destroy outside resources, as a table: cloud
//! CLIs, object stores, Kubernetes and Helm, container engines, IaC tools,
//! secret managers, queues, backup tools, code hosting and CI.
//!
//! A row names the programs, the subcommand words (in order, among the
//! leading non-option words; `delete-*` matches by prefix), options the
//! operation needs (or must not have), how sure it is and what it destroys.
//! Listing, reading, creating and dry runs match no row.

use hookwarden_sdk::shell::SimpleCommand;

use super::{Family, Finding, Severity, has_option, has_path, is_dry_run, subcommand_words};

use Family::*;
use Severity::{Ask, Deny};

struct Op {
    programs: &'static [&'static str],
    family: Family,
    path: &'static [&'static str],
    /// The operation needs one of these options (empty: none needed).
    needs: &'static [&'static str],
    /// … and none of these.
    unless: &'static [&'static str],
    severity: Severity,
    what: &'static str,
    /// What it deletes is rebuilt by itself: a match passes.
    regenerable: bool,
    /// Only when an operand is known only at run time (`$(docker ps -aq)`).
    run_time_operand: bool,
}

const fn op(
    programs: &'static [&'static str],
    family: Family,
    path: &'static [&'static str],
    severity: Severity,
    what: &'static str,
) -> Op {
    Op {
        programs,
        family,
        path,
        needs: &[],
        unless: &[],
        severity,
        what,
        regenerable: false,
        run_time_operand: false,
    }
}

impl Op {
    const fn needs(mut self, options: &'static [&'static str]) -> Op {
        self.needs = options;
        self
    }
    const fn unless(mut self, options: &'static [&'static str]) -> Op {
        self.unless = options;
        self
    }
    const fn regenerable(mut self) -> Op {
        self.regenerable = true;
        self
    }
    const fn run_time_operand(mut self) -> Op {
        self.run_time_operand = true;
        self
    }
}

const AWS: &[&str] = &["aws", "awslocal"];
const GCLOUD: &[&str] = &["gcloud"];
const AZ: &[&str] = &["az"];
/// Other clouds' CLIs, whose verbs are `delete`/`destroy`.
const CLOUDS: &[&str] = &[
    "doctl",
    "hcloud",
    "linode-cli",
    "oci",
    "ibmcloud",
    "scw",
    "vultr-cli",
    "exo",
    "upcloud",
    "civo",
    "yc",
    "aliyun",
    "tccli",
    "flyctl",
    "fly",
    "heroku",
    "vercel",
    "netlify",
    "railway",
    "render",
    "firebase",
    "supabase",
    "neonctl",
    "planetscale",
    "pscale",
    "turso",
];
const KUBECTL: &[&str] = &["kubectl", "oc", "kubecolor", "microk8s.kubectl", "k3s"];
const DOCKER: &[&str] = &["docker", "podman", "nerdctl"];
const COMPOSE: &[&str] = &["docker-compose", "podman-compose"];
const TERRAFORM: &[&str] = &["terraform", "tofu", "terragrunt"];
const KAFKA_TOPICS: &[&str] = &["kafka-topics", "kafka-topics.sh"];
const KAFKA_GROUPS: &[&str] = &["kafka-consumer-groups", "kafka-consumer-groups.sh"];
const KAFKA_RECORDS: &[&str] = &["kafka-delete-records", "kafka-delete-records.sh"];
/// Words that delete the thing a subcommand names, in most CLIs.
const RECURSIVE: &[&str] = &["-r", "-R", "--recursive"];

/// The table. Order matters only for the message of a command matching
/// several rows: the first wins.
#[rustfmt::skip]
const OPS: &[Op] = &[
    // Object stores.
    op(AWS, Storage, &["s3", "rb"], Deny, "deletes an S3 bucket"),
    op(AWS, Storage, &["s3", "rm"], Deny, "deletes every object under an S3 prefix")
        .needs(RECURSIVE),
    op(AWS, Storage, &["s3", "rm"], Ask, "deletes an S3 object"),
    op(AWS, Storage, &["s3", "sync"], Ask, "deletes objects missing from the source (sync --delete)")
        .needs(&["--delete"]),
    op(AWS, Storage, &["s3api", "delete-*"], Deny, "deletes S3 buckets, objects or their settings"),
    op(&["gsutil"], Storage, &["rb"], Deny, "deletes a Cloud Storage bucket"),
    op(&["gsutil"], Storage, &["rm"], Deny, "deletes Cloud Storage objects recursively")
        .needs(&["-r", "-R", "-a"]),
    op(&["gsutil"], Storage, &["rm"], Ask, "deletes Cloud Storage objects"),
    op(&["gsutil"], Storage, &["rsync"], Ask, "deletes objects missing from the source (rsync -d)")
        .needs(&["-d"]),
    op(GCLOUD, Storage, &["storage", "rm"], Deny, "deletes Cloud Storage objects"),
    op(GCLOUD, Storage, &["storage", "buckets", "delete"], Deny, "deletes a Cloud Storage bucket"),
    op(&["s3cmd"], Storage, &["rb"], Deny, "deletes a bucket"),
    op(&["s3cmd"], Storage, &["del"], Deny, "deletes objects"),
    op(&["s3cmd"], Storage, &["rm"], Deny, "deletes objects"),
    op(&["s3cmd"], Storage, &["sync"], Ask, "deletes objects missing from the source")
        .needs(&["--delete-removed"]),
    op(&["mc", "mcli"], Storage, &["rb"], Deny, "deletes a bucket"),
    op(&["mc", "mcli"], Storage, &["rm"], Deny, "deletes objects recursively")
        .needs(&["-r", "--recursive", "--force"]),
    op(&["mc", "mcli"], Storage, &["rm"], Ask, "deletes an object"),
    op(&["azcopy"], Storage, &["remove"], Deny, "deletes blobs or files"),
    op(&["azcopy"], Storage, &["rm"], Deny, "deletes blobs or files"),
    // Cloud resources: every service's delete/terminate verbs.
    op(AWS, Secrets, &["secretsmanager", "delete-secret"], Deny, "deletes a secret"),
    op(AWS, Secrets, &["secretsmanager", "update-secret"], Ask, "replaces a secret's value or key"),
    op(AWS, Secrets, &["secretsmanager", "put-secret-value"], Ask, "replaces a secret's value"),
    op(AWS, Queues, &["sqs", "purge-queue"], Deny, "purges every message in an SQS queue"),
    op(AWS, Queues, &["sqs", "delete-*"], Deny, "deletes an SQS queue or its messages"),
    op(AWS, Queues, &["sns", "delete-*"], Deny, "deletes an SNS topic, subscription or endpoint"),
    op(AWS, Cloud, &["delete-*"], Deny, "deletes an AWS resource"),
    op(AWS, Cloud, &["terminate-*"], Deny, "terminates AWS instances or environments"),
    op(AWS, Cloud, &["purge-*"], Deny, "purges AWS data"),
    op(AWS, Cloud, &["deregister-*"], Ask, "deregisters an AWS resource"),
    op(AWS, Cloud, &["remove-*"], Ask, "removes part of an AWS resource"),
    op(AWS, Queues, &["sns", "unsubscribe"], Ask, "removes a subscription (its messages stop)"),
    op(GCLOUD, Secrets, &["secrets", "delete"], Deny, "deletes a secret"),
    op(GCLOUD, Queues, &["pubsub", "delete"], Deny, "deletes a Pub/Sub topic or subscription"),
    op(GCLOUD, Cloud, &["delete"], Deny, "deletes a Google Cloud resource"),
    op(AZ, Secrets, &["keyvault", "purge"], Deny, "purges a deleted key vault for good"),
    op(AZ, Secrets, &["keyvault", "delete"], Deny, "deletes a key vault or its secrets"),
    op(AZ, Storage, &["storage", "delete*"], Deny, "deletes Azure storage"),
    op(AZ, Cloud, &["delete"], Deny, "deletes an Azure resource"),
    op(AZ, Cloud, &["purge"], Deny, "purges an Azure resource"),
    op(CLOUDS, Cloud, &["delete"], Deny, "deletes a cloud resource"),
    op(CLOUDS, Cloud, &["destroy"], Deny, "destroys a cloud resource"),
    op(CLOUDS, Cloud, &["apps:destroy"], Deny, "destroys an app"),
    op(CLOUDS, Cloud, &["addons:destroy"], Deny, "destroys an add-on and its data"),
    op(CLOUDS, Databases, &["pg:reset"], Deny, "empties a Postgres database"),
    op(CLOUDS, Cloud, &["sites:delete"], Deny, "deletes a site"),
    op(CLOUDS, Databases, &["firestore:delete"], Deny, "deletes Firestore documents"),
    op(CLOUDS, Databases, &["database:remove"], Deny, "deletes Realtime Database data"),
    op(CLOUDS, Cloud, &["terminate"], Deny, "terminates a cloud resource"),
    op(CLOUDS, Cloud, &["remove"], Ask, "removes a cloud resource"),
    op(CLOUDS, Cloud, &["rm"], Ask, "removes a cloud resource"),
    // Kubernetes and Helm.
    op(KUBECTL, Clusters, &["delete"], Deny, "deletes every resource of a kind, or across namespaces")
        .needs(&["--all", "-A", "--all-namespaces"]),
    op(KUBECTL, Clusters, &["delete", "namespace*"], Deny, "deletes a namespace and everything in it"),
    op(KUBECTL, Clusters, &["delete", "ns"], Deny, "deletes a namespace and everything in it"),
    op(KUBECTL, Clusters, &["delete", "pv*"], Deny, "deletes persistent volumes and their data"),
    op(KUBECTL, Clusters, &["delete", "persistentvolume*"], Deny, "deletes persistent volumes and their data"),
    op(KUBECTL, Clusters, &["delete", "crd*"], Deny, "deletes custom resource definitions and every resource of them"),
    op(KUBECTL, Clusters, &["delete", "customresourcedefinition*"], Deny, "deletes custom resource definitions and every resource of them"),
    op(KUBECTL, Clusters, &["delete", "node*"], Deny, "removes nodes from the cluster"),
    op(KUBECTL, Clusters, &["delete", "all"], Deny, "deletes every workload it selects"),
    op(KUBECTL, Clusters, &["delete", "statefulset*"], Deny, "deletes stateful workloads"),
    op(KUBECTL, Clusters, &["delete", "secret*"], Deny, "deletes secrets"),
    op(KUBECTL, Clusters, &["delete"], Ask, "deletes cluster resources"),
    op(&["helm"], Clusters, &["uninstall"], Deny, "uninstalls a release and deletes its resources"),
    op(&["helm"], Clusters, &["delete"], Deny, "uninstalls a release and deletes its resources"),
    op(&["helm"], Clusters, &["del"], Deny, "uninstalls a release and deletes its resources"),
    op(&["helm"], Clusters, &["un"], Deny, "uninstalls a release and deletes its resources"),
    op(&["eksctl"], Clusters, &["delete"], Deny, "deletes an EKS cluster or node group"),
    op(&["kops"], Clusters, &["delete"], Deny, "deletes a cluster"),
    op(&["argocd"], Clusters, &["app", "delete"], Deny, "deletes an application and its resources"),
    op(&["flux"], Clusters, &["delete"], Ask, "deletes a Flux resource"),
    op(&["flux"], Clusters, &["uninstall"], Deny, "uninstalls Flux from the cluster"),
    // Container engines.
    op(DOCKER, Containers, &["system", "prune"], Deny, "deletes every unused container, network and image, and volumes")
        .needs(&["-a", "--all", "--volumes"]),
    op(DOCKER, Containers, &["system", "prune"], Ask, "deletes stopped containers and unused networks and images"),
    op(DOCKER, Containers, &["volume", "rm"], Deny, "deletes volumes and their data"),
    op(DOCKER, Containers, &["volume", "remove"], Deny, "deletes volumes and their data"),
    op(DOCKER, Containers, &["volume", "prune"], Deny, "deletes every unused volume and its data"),
    op(DOCKER, Containers, &["container", "prune"], Ask, "deletes every stopped container"),
    // `docker rm -f $(docker ps -aq)`: every container; one named
    // container is the everyday reset of a dev loop.
    op(DOCKER, Containers, &["rm"], Ask, "deletes every container it is given, and what they wrote")
        .needs(&["-f", "--force", "-v", "--volumes"]).run_time_operand(),
    op(DOCKER, Containers, &["container", "rm"], Ask, "deletes every container it is given, and what they wrote")
        .needs(&["-f", "--force", "-v", "--volumes"]).run_time_operand(),
    op(DOCKER, Containers, &["compose", "down"], Deny, "deletes the project's volumes and their data")
        .needs(&["-v", "--volumes"]),
    op(COMPOSE, Containers, &["down"], Deny, "deletes the project's volumes and their data")
        .needs(&["-v", "--volumes"]),
    // Infrastructure as code.
    op(TERRAFORM, Iac, &["destroy"], Deny, "destroys every resource of the configuration"),
    op(TERRAFORM, Iac, &["destroy-all"], Deny, "destroys every resource of every module"),
    op(TERRAFORM, Iac, &["apply"], Deny, "destroys every resource of the configuration (apply -destroy)")
        .needs(&["-destroy", "--destroy"]),
    op(TERRAFORM, Iac, &["state", "rm"], Deny, "drops resources from the state (they are no longer managed)"),
    op(TERRAFORM, Iac, &["workspace", "delete"], Deny, "deletes a workspace and its state"),
    op(&["pulumi"], Iac, &["destroy"], Deny, "destroys every resource of the stack"),
    op(&["pulumi"], Iac, &["down"], Deny, "destroys every resource of the stack"),
    op(&["pulumi"], Iac, &["stack", "rm"], Deny, "deletes a stack and its history"),
    op(&["pulumi"], Iac, &["state", "delete"], Ask, "drops a resource from the state"),
    op(&["cdk", "cdktf"], Iac, &["destroy"], Deny, "destroys the stacks' resources"),
    op(&["sam"], Iac, &["delete"], Deny, "deletes the stack and its resources"),
    op(&["serverless", "sls"], Iac, &["remove"], Deny, "removes the service and its resources"),
    op(&["cloudformation"], Iac, &["delete-stack"], Deny, "deletes a stack and its resources"),
    // Databases run from the shell (the statements themselves: databases.rs).
    op(&["dropdb"], Databases, &[], Deny, "drops a database"),
    op(&["dropuser"], Databases, &[], Ask, "drops a database role"),
    op(&["mysqladmin", "mariadb-admin"], Databases, &["drop"], Deny, "drops a database"),
    op(&["bq"], Databases, &["rm"], Deny, "deletes a BigQuery dataset, table or model"),
    op(&["mongorestore"], Databases, &[], Ask, "drops each collection before restoring it")
        .needs(&["--drop"]),
    op(&["pg_restore"], Databases, &[], Ask, "drops database objects before restoring them")
        .needs(&["-c", "--clean"]),
    // Secret managers.
    op(&["vault"], Secrets, &["kv", "destroy"], Deny, "destroys secret versions for good"),
    op(&["vault"], Secrets, &["kv", "metadata", "delete"], Deny, "deletes a secret and all its versions"),
    op(&["vault"], Secrets, &["kv", "delete"], Deny, "deletes a secret"),
    op(&["vault"], Secrets, &["delete"], Deny, "deletes a secret or configuration"),
    op(&["vault"], Secrets, &["secrets", "disable"], Deny, "disables a secrets engine, deleting its secrets"),
    op(&["vault"], Secrets, &["auth", "disable"], Deny, "disables an auth method and revokes its tokens"),
    op(&["vault"], Secrets, &["policy", "delete"], Deny, "deletes a policy"),
    op(&["vault"], Secrets, &["lease", "revoke"], Ask, "revokes leases and the secrets they hold"),
    op(&["vault"], Secrets, &["token", "revoke"], Ask, "revokes tokens"),
    op(&["op"], Secrets, &["delete"], Deny, "deletes 1Password items, vaults or documents"),
    op(&["op"], Secrets, &["remove"], Deny, "deletes 1Password items, vaults or documents"),
    op(&["op"], Secrets, &["rm"], Deny, "deletes 1Password items, vaults or documents"),
    op(&["doppler"], Secrets, &["delete"], Deny, "deletes Doppler secrets, configs or projects"),
    op(&["doppler"], Secrets, &["rm"], Deny, "deletes Doppler secrets, configs or projects"),
    op(&["doppler"], Secrets, &["revoke"], Ask, "revokes access tokens"),
    op(&["infisical"], Secrets, &["delete"], Deny, "deletes secrets"),
    op(&["bw"], Secrets, &["delete"], Deny, "deletes a Bitwarden item"),
    op(&["sops"], Secrets, &["rm"], Ask, "deletes a secret"),
    // Queues and streams.
    op(KAFKA_TOPICS, Queues, &[], Deny, "deletes Kafka topics and their messages")
        .needs(&["--delete"]),
    op(KAFKA_GROUPS, Queues, &[], Deny, "deletes consumer groups or their offsets")
        .needs(&["--delete", "--delete-offsets"]),
    op(KAFKA_GROUPS, Queues, &[], Ask, "moves consumer offsets (messages are skipped or re-read)")
        .needs(&["--reset-offsets"])
        .unless(&["--dry-run"]),
    op(KAFKA_RECORDS, Queues, &[], Deny, "deletes Kafka records"),
    op(&["kafka-acls", "kafka-acls.sh"], Queues, &[], Ask, "removes access rules")
        .needs(&["--remove"]),
    op(&["kafka-configs", "kafka-configs.sh"], Queues, &[], Ask, "removes topic or broker settings (retention, cleanup)")
        .needs(&["--delete-config"]),
    op(&["rabbitmqctl"], Queues, &["delete_*"], Deny, "deletes RabbitMQ queues, vhosts or users"),
    op(&["rabbitmqctl"], Queues, &["purge_queue"], Deny, "purges every message in a queue"),
    op(&["rabbitmqctl"], Queues, &["reset"], Deny, "resets the node, deleting its data"),
    op(&["rabbitmqctl"], Queues, &["force_reset"], Deny, "resets the node, deleting its data"),
    op(&["rabbitmqctl"], Queues, &["clear_*"], Ask, "removes permissions, policies or parameters"),
    op(&["rabbitmqadmin"], Queues, &["delete"], Deny, "deletes RabbitMQ objects"),
    op(&["rabbitmqadmin"], Queues, &["purge"], Deny, "purges every message in a queue"),
    op(&["nats"], Queues, &["rm"], Deny, "deletes a stream, consumer, bucket or its data"),
    op(&["nats"], Queues, &["del"], Deny, "deletes a stream, consumer, bucket or its data"),
    op(&["nats"], Queues, &["delete"], Deny, "deletes a stream, consumer, bucket or its data"),
    op(&["nats"], Queues, &["purge"], Deny, "purges every message of a stream or bucket"),
    op(&["nats"], Queues, &["destroy"], Deny, "destroys a stream, consumer, bucket or its data"),
    // Backups.
    op(&["rclone"], Backups, &["purge"], Deny, "deletes a remote path and everything in it"),
    op(&["rclone"], Backups, &["delete"], Deny, "deletes files on a remote"),
    op(&["rclone"], Backups, &["deletefile"], Deny, "deletes a file on a remote"),
    op(&["rclone"], Backups, &["rmdirs"], Ask, "deletes empty directories on a remote"),
    op(&["rclone"], Backups, &["rmdir"], Ask, "deletes a directory on a remote"),
    op(&["rclone"], Backups, &["move"], Ask, "deletes the source files after copying them")
        .unless(&["-n"]),
    op(&["rclone"], Backups, &["cleanup"], Ask, "empties a remote's trash and old versions"),
    op(&["rclone"], Backups, &["sync"], Ask, "deletes files on the destination missing from the source")
        .unless(&["-n", "--interactive", "-i"]),
    op(&["rclone"], Backups, &["bisync"], Ask, "deletes files on either side")
        .unless(&["-n"]),
    op(&["restic"], Backups, &["forget"], Deny, "removes snapshots").unless(&["-n"]),
    op(&["restic"], Backups, &["prune"], Deny, "deletes unreferenced backup data")
        .unless(&["-n"]),
    op(&["restic"], Backups, &["key", "remove"], Deny, "removes a repository key"),
    op(&["borg", "borgbackup"], Backups, &["delete"], Deny, "deletes archives or the repository")
        .unless(&["-n"]),
    op(&["borg", "borgbackup"], Backups, &["prune"], Deny, "deletes archives")
        .unless(&["-n"]),
    op(&["borg", "borgbackup"], Backups, &["repo-delete"], Deny, "deletes the repository"),
    op(&["borg", "borgbackup"], Backups, &["rdelete"], Deny, "deletes the repository"),
    op(&["borg", "borgbackup"], Backups, &["compact"], Ask, "frees the space of deleted archives for good"),
    op(&["borg", "borgbackup"], Backups, &["recreate"], Ask, "rewrites archives, dropping data")
        .unless(&["-n"]),
    op(&["velero"], Backups, &["delete"], Deny, "deletes backups, restores or schedules"),
    op(&["velero"], Backups, &["uninstall"], Deny, "uninstalls Velero"),
    op(&["kopia"], Backups, &["delete"], Deny, "deletes snapshots"),
    op(&["kopia"], Backups, &["snapshot", "expire"], Ask, "expires snapshots")
        .needs(&["--delete"]),
    op(&["duplicity"], Backups, &["remove-*"], Deny, "removes backup sets"),
    op(&["tarsnap"], Backups, &[], Deny, "deletes archives").needs(&["-d", "--nuke"]),
    op(&["rsync"], Backups, &[], Ask, "deletes files on the destination missing from the source")
        .needs(&[ "--delete", "--delete-before", "--delete-during", "--delete-delay", "--delete-after", "--delete-excluded", "--del", ])
        .unless(&["-n"]),
    op(&["rsync"], Backups, &[], Ask, "deletes the source files after copying them")
        .needs(&["--remove-source-files"])
        .unless(&["-n"]),
    // Volumes and pools.
    op(&["zfs"], Storage, &["destroy"], Deny, "destroys a ZFS dataset or snapshot")
        .unless(&["-n"]),
    op(&["zpool"], Storage, &["destroy"], Deny, "destroys a ZFS pool"),
    op(&["lvremove", "vgremove", "pvremove"], Storage, &[], Deny, "removes LVM volumes and their data"),
    op(&["btrfs"], Storage, &["subvolume", "delete"], Deny, "deletes a Btrfs subvolume"),
    // Code hosting and CI.
    op(&["gh"], Hosting, &["repo", "delete"], Deny, "deletes a repository"),
    op(&["gh"], Hosting, &["release", "delete"], Ask, "deletes a release"),
    op(&["gh"], Hosting, &["issue", "delete"], Deny, "deletes an issue"),
    op(&["gh"], Hosting, &["secret", "delete"], Ask, "deletes a secret"),
    op(&["gh"], Hosting, &["secret", "remove"], Ask, "deletes a secret"),
    op(&["gh"], Hosting, &["variable", "delete"], Ask, "deletes a variable"),
    op(&["gh"], Hosting, &["run", "delete"], Ask, "deletes a workflow run and its logs"),
    op(&["gh"], Hosting, &["cache", "delete"], Ask, "deletes Actions caches")
        .needs(&["--all", "-a"]),
    // One cache: rebuilt on the next run.
    op(&["gh"], Hosting, &["cache", "delete"], Ask, "").regenerable(),
    op(&["gh"], Hosting, &["delete"], Ask, "deletes a GitHub resource"),
    op(&["glab"], Hosting, &["repo", "delete"], Deny, "deletes a repository"),
    op(&["glab"], Hosting, &["delete"], Ask, "deletes a GitLab resource"),
    op(&["gitlab-runner"], Hosting, &["unregister"], Ask, "unregisters CI runners"),
    op(&["jenkins-cli"], Hosting, &["delete-*"], Deny, "deletes Jenkins jobs, nodes, views or builds"),
    op(&["circleci"], Hosting, &["delete"], Deny, "deletes a CircleCI context, project or secret"),
    op(&["circleci"], Hosting, &["remove-secret"], Deny, "deletes a context secret"),
    op(&["circleci"], Hosting, &["unlist"], Ask, "hides an orb from the registry"),
    op(&["travis"], Hosting, &["env", "unset"], Ask, "deletes environment variables"),
    op(&["algolia"], Hosting, &["indices", "delete"], Deny, "deletes a search index"),
    op(&["algolia"], Hosting, &["indices", "clear"], Deny, "deletes every record of a search index"),
    op(&["algolia"], Hosting, &["objects", "delete"], Deny, "deletes records"),
    op(&["algolia"], Hosting, &["rules", "delete"], Ask, "deletes rules"),
    op(&["algolia"], Hosting, &["synonyms", "delete"], Ask, "deletes synonyms"),
];

/// Options of these CLIs that take a separate value, so the value is not
/// read as a subcommand word (`aws --profile delete-me s3 ls`).
const WITH_VALUE: &[&str] = &[
    "--profile",
    "--region",
    "--endpoint-url",
    "--output",
    "--query",
    "--project",
    "--zone",
    "--subscription",
    "-n",
    "--namespace",
    "--context",
    "--kubeconfig",
    "-o",
    "-l",
    "--selector",
    "-f",
    "--filename",
    "-c",
    "--config",
    "-p",
    "--project-name",
    "-C",
    "-H",
    "--host",
    "--server",
    "--token",
    "--cluster",
    "--address",
    "-s",
    "-u",
    "--user",
    "--repo",
    "-R",
    "--bootstrap-server",
    "--zookeeper",
    "--topic",
    "--group",
    "--vhost",
];

pub fn check(cmd: &SimpleCommand, found: &mut Vec<Finding>) {
    let program = program_of(cmd);
    let mut candidates = OPS
        .iter()
        .filter(|o| o.programs.contains(&program))
        .peekable();
    if candidates.peek().is_none() || is_dry_run(cmd) {
        return;
    }
    let words = subcommand_words(cmd, WITH_VALUE);
    // `java -jar jenkins-cli.jar … delete-job x`: the CLI's words follow the jar.
    let words: Vec<&str> = if program == "jenkins-cli" && cmd.program == "java" {
        words
            .iter()
            .skip_while(|w| !w.ends_with(".jar"))
            .skip(1)
            .copied()
            .collect()
    } else {
        words
    };
    // `docker run IMAGE rm -f x`, `kubectl exec POD -- rm …`: the words
    // after are a command run inside the container, not the CLI's (the
    // shell analysis reports what reaches the host's files).
    let engine =
        DOCKER.contains(&program) || COMPOSE.contains(&program) || KUBECTL.contains(&program);
    if engine
        && words
            .iter()
            .take(2)
            .any(|w| matches!(*w, "run" | "exec" | "create" | "debug"))
    {
        return;
    }
    for o in candidates {
        if has_path(&words, o.path, 6)
            && (o.needs.is_empty() || has_option(cmd, o.needs))
            && !has_option(cmd, o.unless)
            && (!o.run_time_operand
                || cmd
                    .args
                    .iter()
                    .any(|w| !w.literal && !w.text.starts_with('-')))
        {
            if o.regenerable {
                return;
            }
            found.push(Finding {
                family: o.family,
                severity: o.severity,
                what: o.what.to_string(),
            });
            return;
        }
    }
}

/// The program, with `java -jar …/jenkins-cli.jar` read as `jenkins-cli`.
fn program_of(cmd: &SimpleCommand) -> &str {
    if cmd.program == "java"
        && cmd.args.iter().any(|w| {
            w.text
                .rsplit('/')
                .next()
                .is_some_and(|f| f.starts_with("jenkins-cli") && f.ends_with(".jar"))
        })
    {
        return "jenkins-cli";
    }
    cmd.program.as_str()
}
