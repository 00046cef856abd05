//! The committed completion scripts must match what the CLI generates.
//! To refresh them: `AGENTRY_UPDATE_COMPLETIONS=1 cargo test completions`.

use crate::common::*;

const SCRIPTS: &[(&str, &str)] = &[
    ("bash", "agentry.bash"),
    ("zsh", "_agentry"),
    ("fish", "agentry.fish"),
    ("elvish", "agentry.elv"),
    ("powershell", "_agentry.ps1"),
];

#[test]
fn committed_completions_match_the_cli() {
    let env = Env::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("AGENTRY_UPDATE_COMPLETIONS").is_some();
    for (shell, file) in SCRIPTS {
        let output = env.cmd(&["completions", shell]).output().expect("run");
        assert!(output.status.success());
        assert!(!output.stdout.is_empty());
        let path = dir.join(file);
        if update {
            std::fs::create_dir_all(&dir).expect("mkdir");
            std::fs::write(&path, &output.stdout).expect("write");
            continue;
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == output.stdout,
            "completions/{file} is out of date with the CLI; run `AGENTRY_UPDATE_COMPLETIONS=1 cargo test completions` and commit"
        );
    }
}
