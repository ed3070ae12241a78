//! Overwriting or reformatting block devices: `dd of=`, `mkfs`, `wipefs`,
//! `shred`, `blkdiscard`, `tee` and redirections into `/dev/sd…`.

use hookwarden_sdk::shell::{SimpleCommand, Word};

use super::{Args, Hit, Severity};

const ID: &str = "destructive.disk-wipe";

/// Device names under `/dev/` that are disks, partitions or volumes.
const BLOCK_DEVICE_PREFIXES: &[&str] = &[
    "sd", "hd", "vd", "xvd", "nvme", "mmcblk", "disk", "rdisk", "md", "dm-", "mapper/", "loop",
    "nbd", "zd", "rbd", "mtdblock", "bcache", "ubd", "sr", "root",
];

/// What a path is, as a write target.
enum Device<'a> {
    Block(&'a str),
    /// `/dev/$DISK`: a device only known at run time.
    Unknown(&'a str),
    Other,
}

fn device(word: &Word) -> Device<'_> {
    let Some(name) = word.text.strip_prefix("/dev/") else {
        return Device::Other;
    };
    if !word.literal {
        return Device::Unknown(&word.text);
    }
    if BLOCK_DEVICE_PREFIXES.iter().any(|p| name.starts_with(p)) {
        Device::Block(&word.text)
    } else {
        Device::Other
    }
}

pub fn check(cmd: &SimpleCommand, hits: &mut Vec<Hit>) {
    let program = cmd.program.as_str();
    let mut targets: Vec<Word> = Vec::new();
    let verb = match program {
        "dd" => {
            targets.extend(cmd.args.iter().filter_map(|w| {
                w.text.strip_prefix("of=").map(|t| Word {
                    text: t.into(),
                    literal: w.literal,
                })
            }));
            "overwrites"
        }
        "wipefs" | "blkdiscard" | "shred" | "mkswap" | "mke2fs" | "mkntfs" | "mkdosfs" | "mkfs"
        | "tee" => {
            targets.extend(
                Args::parse(&cmd.args, &["-o", "-n", "-s", "-t", "-L", "-b"])
                    .operands
                    .into_iter()
                    .cloned(),
            );
            if program == "tee" {
                "overwrites"
            } else {
                "destroys the data on"
            }
        }
        // Partition tables: what they write erases where the data lies.
        "sgdisk" | "sfdisk" | "parted" | "gdisk" | "cgdisk" | "fdisk" | "cfdisk" | "partx"
            if rewrites_partitions(program, &cmd.args) =>
        {
            targets.extend(
                cmd.args
                    .iter()
                    .filter(|w| w.text.starts_with("/dev/"))
                    .cloned(),
            );
            "rewrites the partition table of"
        }
        p if p.starts_with("mkfs.") || p.starts_with("newfs") => {
            targets.extend(
                Args::parse(&cmd.args, &["-t", "-L", "-b", "-n", "-O", "-E"])
                    .operands
                    .into_iter()
                    .cloned(),
            );
            "formats"
        }
        _ => "",
    };
    for target in &targets {
        report(cmd, verb, target, hits);
    }
    for r in cmd.redirects.iter().filter(|r| r.is_write()) {
        report(cmd, "overwrites", &r.target, hits);
    }
}

/// The partitioning tool writes (not only lists or prints).
fn rewrites_partitions(program: &str, args: &[Word]) -> bool {
    let has = |names: &[&str]| args.iter().any(|w| names.contains(&w.text.as_str()));
    match program {
        "sgdisk" => args.iter().any(|w| {
            let t = w.text.as_str();
            matches!(
                t,
                "-z" | "-Z" | "-o" | "--zap" | "--zap-all" | "--clear" | "-g" | "--mbrtogpt"
            ) || t.starts_with("-d")
                || t.starts_with("--delete")
                || t.starts_with("-n")
                || t.starts_with("--new")
                || t.starts_with("-t")
                || t.starts_with("--typecode")
        }),
        // sfdisk writes what stdin says unless it only lists or dumps.
        "sfdisk" => !has(&[
            "-l",
            "--list",
            "-d",
            "--dump",
            "-J",
            "--json",
            "-s",
            "--show-size",
            "-V",
            "--verify",
        ]),
        "parted" => args.iter().any(|w| {
            matches!(
                w.text.as_str(),
                "mklabel" | "mktable" | "mkpart" | "rm" | "resizepart" | "mkfs"
            )
        }),
        // Interactive ones: fed a script, or asked to wipe.
        "fdisk" | "gdisk" | "cgdisk" | "cfdisk" => !has(&["-l", "--list"]),
        _ => false,
    }
}

fn report(cmd: &SimpleCommand, verb: &str, target: &Word, hits: &mut Vec<Hit>) {
    match device(target) {
        Device::Block(dev) => hits.push(Hit::new(
            cmd,
            Severity::Deny,
            ID,
            format!("{verb} the block device {dev}"),
        )),
        Device::Unknown(dev) => hits.push(Hit::new(
            cmd,
            Severity::Ask,
            ID,
            format!("{verb} `{dev}`, a device only known at run time"),
        )),
        Device::Other => {}
    }
}
