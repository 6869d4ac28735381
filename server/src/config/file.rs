//! The configuration file (TOML), layered under flags and environment variables, and the
//! two printouts: the configuration in effect, and the example file (made from the
//! same doc comments as `--help`, so it cannot drift from them).

use super::Config;
use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};
use std::ffi::OsString;

/// Arguments that are not settings.
const NOT_SETTINGS: [&str; 3] = ["help", "version", "config"];

/// The configuration as loaded, with where each value came from.
pub struct Loaded {
    pub config: Config,
    matches: ArgMatches,
    from_file: Vec<String>,
}

fn invalid(msg: String) -> clap::Error {
    Config::command().error(ErrorKind::InvalidValue, msg)
}

/// Flags first, then environment variables, then the file, then the defaults.
pub fn load() -> Result<Loaded, clap::Error> {
    load_from(std::env::args_os().collect())
}

pub fn load_from(mut args: Vec<OsString>) -> Result<Loaded, clap::Error> {
    let matches = Config::command().try_get_matches_from(&args)?;
    let first = Config::from_arg_matches(&matches)?;
    let path = first.config.clone();
    let explicit = !matches!(
        matches.value_source("config"),
        Some(ValueSource::DefaultValue) | None
    );
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok(Loaded {
                config: first,
                matches,
                from_file: Vec::new(),
            });
        }
        Err(e) => return Err(invalid(format!("reading {}: {e}", path.display()))),
    };
    let table: toml::Table = text
        .parse()
        .map_err(|e| invalid(format!("{}: {e}", path.display())))?;
    let command = Config::command();
    let (mut extra, mut from_file) = (Vec::new(), Vec::new());
    for (key, value) in table {
        let id = key.replace('-', "_");
        let Some(arg) = command
            .get_arguments()
            .find(|a| a.get_id() == id.as_str() && !NOT_SETTINGS.contains(&id.as_str()))
        else {
            return Err(invalid(format!(
                "{}: there is no setting called `{key}` (see `hearth config --example`)",
                path.display()
            )));
        };
        // A flag or an environment variable wins over the file.
        if !matches!(
            matches.value_source(&id),
            Some(ValueSource::DefaultValue) | None
        ) {
            continue;
        }
        let long = arg.get_long().unwrap_or(id.as_str()).to_owned();
        let takes_value = arg.get_action().takes_values();
        match value {
            toml::Value::Boolean(on) if !takes_value => {
                if on {
                    extra.push(OsString::from(format!("--{long}")));
                }
            }
            toml::Value::String(s) if takes_value => extra.push(format!("--{long}={s}").into()),
            toml::Value::Integer(n) if takes_value => extra.push(format!("--{long}={n}").into()),
            _ => {
                let wants = if takes_value {
                    "a string or a number"
                } else {
                    "true or false"
                };
                return Err(invalid(format!(
                    "{}: `{key}` takes {wants}",
                    path.display()
                )));
            }
        }
        from_file.push(id);
    }
    // Settings go before any subcommand, where clap expects them.
    let at = 1.min(args.len());
    args.splice(at..at, extra);
    let matches = Config::command().try_get_matches_from(&args)?;
    Ok(Loaded {
        config: Config::from_arg_matches(&matches)?,
        matches,
        from_file,
    })
}

/// A TOML value as written in the file: numbers and true/false bare, the rest quoted.
fn toml_value(raw: &str) -> String {
    if raw.parse::<i64>().is_ok() || raw == "true" || raw == "false" {
        raw.to_owned()
    } else {
        toml::Value::String(raw.to_owned()).to_string()
    }
}

/// A database URL with its password hidden.
fn without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:****{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Every setting, the value in effect, and where it came from.
pub fn print_effective(loaded: &Loaded) -> String {
    let mut out = format!(
        "# The configuration in effect (file: {})\n",
        loaded.config.config.display()
    );
    for arg in Config::command().get_arguments() {
        let id = arg.get_id().as_str();
        if NOT_SETTINGS.contains(&id) || arg.get_long().is_none() {
            continue;
        }
        let key = arg.get_long().unwrap_or(id);
        let value = loaded
            .matches
            .get_raw(id)
            .map(|v| v.map(|s| s.to_string_lossy()).collect::<Vec<_>>().join(","));
        let source = if loaded.from_file.iter().any(|f| f == id) {
            "file"
        } else {
            match loaded.matches.value_source(id) {
                Some(ValueSource::CommandLine) => "flag",
                Some(ValueSource::EnvVariable) => "environment",
                _ => "default",
            }
        };
        match value {
            Some(v) => {
                let v = match id {
                    "database_url" => without_password(&v),
                    "metrics_token" => "****".into(),
                    _ => v,
                };
                out.push_str(&format!("{key} = {}  # {source}\n", toml_value(&v)));
            }
            None => out.push_str(&format!("# {key} is not set\n")),
        }
    }
    out
}

/// Wraps `text` into comment lines of at most 88 columns.
fn comment(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::from("#");
    for word in text.split_whitespace() {
        if line.len() + 1 + word.len() > 88 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// The example configuration file: every setting with its documentation and default,
/// commented out (docs/hearth.example.toml is this, checked by a test).
pub fn example() -> String {
    let mut out = comment(
        "Hearth's configuration file. Put it where Hearth starts as hearth.toml, or name it \
         with --config or HEARTH_CONFIG. Every setting is optional: uncomment one to change \
         it. A flag or an environment variable overrides the file. `hearth config` prints \
         what is in effect.",
    );
    for arg in Config::command().get_arguments() {
        let id = arg.get_id().as_str();
        let Some(key) = arg.get_long() else { continue };
        if NOT_SETTINGS.contains(&id) {
            continue;
        }
        out.push('\n');
        let help = arg
            .get_long_help()
            .or(arg.get_help())
            .map(|h| h.to_string())
            .unwrap_or_default();
        out.push_str(&comment(&help));
        if let Some(env) = arg.get_env() {
            out.push_str(&format!("# (environment: {})\n", env.to_string_lossy()));
        }
        let default = arg
            .get_default_values()
            .first()
            .map(|v| toml_value(&v.to_string_lossy()));
        out.push_str(&match default {
            Some(v) => format!("# {key} = {v}\n"),
            None => format!("# {key} = \"\"\n"),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_example_file_is_up_to_date() {
        let committed = include_str!("../../../docs/hearth.example.toml");
        assert!(
            committed == example(),
            "docs/hearth.example.toml is stale: run `hearth config --example > docs/hearth.example.toml`"
        );
    }

    #[test]
    fn the_file_sits_under_flags() {
        let dir = std::env::temp_dir().join(format!("hearth-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("hearth.toml");
        std::fs::write(&file, "port = 9000\nmax-upload = \"5MiB\"\nno_tls = true\n").unwrap();
        let f = file.to_str().unwrap();
        let l = load_from(args(&[
            "hearth", "--config", f, "--port", "7000", "admin", "list",
        ]))
        .unwrap();
        assert_eq!(l.config.port, 7000, "the flag wins");
        assert_eq!(l.config.max_upload, 5 << 20, "the file's");
        assert!(l.config.no_tls);
        assert!(matches!(
            l.config.command,
            Some(super::super::Command::Admin { .. })
        ));
        let printed = print_effective(&l);
        assert!(printed.contains("port = 7000  # flag"), "{printed}");
        assert!(
            printed.contains("max-upload = \"5MiB\"  # file"),
            "{printed}"
        );
        assert!(
            printed.contains("https-port = 8443  # default"),
            "{printed}"
        );

        std::fs::write(&file, "prot = 9000\n").unwrap();
        let e = load_from(args(&["hearth", "--config", f]))
            .err()
            .expect("refused");
        assert!(e.to_string().contains("no setting called `prot`"), "{e}");
        std::fs::write(&file, "no-tls = \"yes\"\n").unwrap();
        assert!(load_from(args(&["hearth", "--config", f])).is_err());
        let missing = dir.join("missing.toml");
        assert!(load_from(args(&["hearth", "--config", missing.to_str().unwrap()])).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn database_passwords_are_not_printed() {
        assert_eq!(
            without_password("postgres://hearth:s3cret@db/hearth"),
            "postgres://hearth:****@db/hearth"
        );
        assert_eq!(
            without_password("sqlite://data/hearth.db"),
            "sqlite://data/hearth.db"
        );
    }
}
