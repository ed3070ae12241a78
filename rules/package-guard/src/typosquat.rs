//! Typosquat hints: a requested name one edit (insertion, deletion,
//! substitution or swap of neighbours) away from a popular package.

use crate::manifests::Ecosystem;

const NPM: &[&str] = &[
    "react",
    "react-dom",
    "lodash",
    "express",
    "axios",
    "chalk",
    "commander",
    "debug",
    "moment",
    "request",
    "typescript",
    "webpack",
    "vue",
    "next",
    "eslint",
    "prettier",
    "jest",
    "mocha",
    "uuid",
    "dotenv",
    "async",
    "underscore",
    "yargs",
    "body-parser",
    "cross-env",
    "colors",
    "jquery",
    "bluebird",
    "rxjs",
    "tslib",
    "classnames",
    "inquirer",
    "minimist",
    "glob",
    "semver",
    "socket.io",
    "mongoose",
    "redux",
    "core-js",
    "vite",
    "nodemon",
    "cors",
    "jsonwebtoken",
    "bcrypt",
    "node-fetch",
    "electron",
    "puppeteer",
    "zod",
    "esbuild",
    "rollup",
    "babel-core",
    "@babel/core",
    "tailwindcss",
    "postcss",
    "sass",
    "graphql",
    "prisma",
    "mysql",
    "mysql2",
    "pg",
    "redis",
    "discord.js",
    "coffee-script",
    "angular",
];

const PYTHON: &[&str] = &[
    "requests",
    "numpy",
    "pandas",
    "django",
    "flask",
    "scipy",
    "matplotlib",
    "boto3",
    "urllib3",
    "setuptools",
    "pytest",
    "pyyaml",
    "six",
    "python-dateutil",
    "certifi",
    "idna",
    "cryptography",
    "pillow",
    "sqlalchemy",
    "beautifulsoup4",
    "selenium",
    "tensorflow",
    "torch",
    "scikit-learn",
    "jinja2",
    "click",
    "pydantic",
    "fastapi",
    "httpx",
    "aiohttp",
    "colorama",
    "rich",
    "openai",
    "transformers",
    "psycopg2",
    "redis",
    "celery",
    "pymongo",
    "paramiko",
    "pycrypto",
    "pycryptodome",
    "lxml",
    "pyjwt",
    "tqdm",
    "uvicorn",
    "gunicorn",
    "black",
    "mypy",
    "ruff",
    "virtualenv",
    "python-dotenv",
    "keras",
    "opencv-python",
];

const CARGO: &[&str] = &[
    "serde",
    "serde_json",
    "tokio",
    "rand",
    "clap",
    "anyhow",
    "thiserror",
    "regex",
    "log",
    "reqwest",
    "syn",
    "quote",
    "proc-macro2",
    "chrono",
    "lazy_static",
    "once_cell",
    "futures",
    "hyper",
    "tracing",
    "bytes",
    "itertools",
    "libc",
    "base64",
    "url",
    "time",
    "uuid",
    "env_logger",
    "hashbrown",
    "parking_lot",
    "rayon",
    "crossbeam",
    "axum",
    "actix-web",
];

const RUBY: &[&str] = &[
    "rails",
    "rack",
    "nokogiri",
    "rspec",
    "bundler",
    "rake",
    "json",
    "devise",
    "puma",
    "sinatra",
    "rubocop",
    "pry",
    "sidekiq",
    "activesupport",
];

const PHP: &[&str] = &[
    "laravel/framework",
    "symfony/console",
    "guzzlehttp/guzzle",
    "monolog/monolog",
    "phpunit/phpunit",
    "doctrine/orm",
];

/// The popular package `name` may be a typo of, if any.
pub fn near_popular(eco: Ecosystem, name: &str) -> Option<&'static str> {
    let list = match eco {
        Ecosystem::Npm => NPM,
        Ecosystem::Python => PYTHON,
        Ecosystem::Cargo => CARGO,
        Ecosystem::Ruby => RUBY,
        Ecosystem::Php => PHP,
        Ecosystem::Go => return None,
    };
    let n = eco.normalize(name);
    if n.chars().count() < 4 || list.iter().any(|p| eco.normalize(p) == n) {
        return None;
    }
    list.iter()
        .copied()
        .find(|p| p.len() >= 4 && one_edit(&eco.normalize(p), &n))
}

/// `a` and `b` differ by exactly one edit (Damerau: a swap counts as one).
fn one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match ra.len().cmp(&rb.len()) {
        std::cmp::Ordering::Equal => {
            ra[1..] == rb[1..]
                || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        std::cmp::Ordering::Greater => ra[1..] == *rb,
        std::cmp::Ordering::Less => *ra == rb[1..],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints() {
        assert_eq!(
            near_popular(Ecosystem::Python, "reqeusts"),
            Some("requests")
        );
        assert_eq!(near_popular(Ecosystem::Python, "request"), Some("requests"));
        assert_eq!(near_popular(Ecosystem::Npm, "lodahs"), Some("lodash"));
        assert_eq!(near_popular(Ecosystem::Npm, "expresss"), Some("express"));
        assert_eq!(
            near_popular(Ecosystem::Cargo, "serde-json"),
            None,
            "same crate name"
        );
        assert_eq!(near_popular(Ecosystem::Cargo, "sered"), Some("serde"));
        assert_eq!(near_popular(Ecosystem::Npm, "react"), None);
        assert_eq!(near_popular(Ecosystem::Npm, "left-pad"), None);
        assert_eq!(near_popular(Ecosystem::Python, "Requests"), None);
    }
}
