//! Link options for the `agentry` binary only (not its libraries or proc macros):
//! start-up is most of a short command's cost, and on glibc Linux most of start-up is
//! the dynamic loader. The binary is linked at a fixed address (no 15,000 relative
//! relocations to apply at every start) and binds libc's symbols when first called
//! rather than all at start (one command calls few of them). That trades the main
//! binary's address randomisation and full RELRO for about a fifth of `--version`'s
//! instructions; `AGENTRY_HARDENED_LINK=1` at build time keeps the defaults instead.
//! See BENCHMARKS.md, "Instructions per task".

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=AGENTRY_HARDENED_LINK");
    let target = std::env::var("TARGET").unwrap_or_default();
    let hardened = std::env::var_os("AGENTRY_HARDENED_LINK").is_some_and(|v| v == "1");
    if target.ends_with("-linux-gnu") && !hardened {
        println!("cargo:rustc-link-arg-bins=-no-pie");
        println!("cargo:rustc-link-arg-bins=-Wl,-z,lazy");
    }
}
