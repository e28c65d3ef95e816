//! The package's TypeScript declarations: `tsc --strict` type-checks real use of every
//! function against `index.d.ts`, and the public API has no `any`.

mod wasm_common;

use std::process::Command;

use wasm_common::{built, node, npm_dev, root, say, scratch};

/// `index.d.ts` without comments and string literals (a union may hold `"unknown"`).
fn code_of(dts: &str) -> String {
    let mut out = String::new();
    let mut rest = dts;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    out.push_str(rest);
    let mut code = String::new();
    for line in out.lines() {
        let line = line.split("//").next().unwrap_or("");
        // Drop "..." literals (none of the declarations' literals contains a quote).
        let mut in_string = false;
        for c in line.chars() {
            if c == '"' {
                in_string = !in_string;
                code.push('"');
            } else if !in_string {
                code.push(c);
            }
        }
        code.push('\n');
    }
    code
}

/// Lines that use `any` or `unknown` as a type (a property may be *named* `unknown`).
fn untyped_lines(code: &str) -> Vec<&str> {
    code.lines()
        .filter(|l| {
            ["any", "unknown"].iter().any(|word| {
                l.match_indices(word).any(|(i, _)| {
                    let before = l[..i].chars().next_back();
                    let after = l[i + word.len()..].trim_start().chars().next();
                    let whole = !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                        && !l[i + word.len()..]
                            .chars()
                            .next()
                            .is_some_and(|c| c.is_alphanumeric() || c == '_');
                    whole && !matches!(after, Some(':') | Some('?'))
                })
            })
        })
        .collect()
}

#[test]
fn the_any_scan_finds_types_not_names() {
    assert_eq!(
        untyped_lines("f(a: any): void;\nunknown: number;\nx?: unknown;\ncompany: string;"),
        vec!["f(a: any): void;", "x?: unknown;"]
    );
}

#[test]
fn public_declarations_have_no_any() {
    let dts = std::fs::read_to_string(built().package.join("index.d.ts")).expect("index.d.ts");
    let code = code_of(&dts);
    let offenders = untyped_lines(&code);
    assert!(
        offenders.is_empty(),
        "`any`/`unknown` in the public API:\n{}",
        offenders.join("\n")
    );
    for f in [
        "version",
        "policyDefaults",
        "policy",
        "expiryReport",
        "whatIf",
        "inspect",
        "inspectPem",
        "call",
        "operations",
        "operationNumber",
        "build",
        "initSync",
    ] {
        assert!(
            code.contains(&format!("export function {f}(")),
            "{f} is not declared"
        );
    }
    // The simulator is declared by the full module only, signature checks by the trust
    // module only; each has no untyped line either.
    for (dir, own, other) in [
        (
            "full",
            ["simulate", "simulateCluster"],
            ["inspectSet", "checkTrust"],
        ),
        (
            "trust",
            ["inspectSet", "checkTrust"],
            ["simulate", "simulateCluster"],
        ),
    ] {
        let file = built().package.join(dir).join("index.d.ts");
        let module = code_of(
            &std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display())),
        );
        assert!(
            untyped_lines(&module).is_empty(),
            "`any`/`unknown` in akscert/{dir}"
        );
        for f in own {
            assert!(
                !code.contains(&format!("export function {f}(")),
                "{f} in the calculator module"
            );
            assert!(
                module.contains(&format!("export function {f}(")),
                "{f} is not declared in akscert/{dir}"
            );
        }
        for f in other {
            assert!(
                !module.contains(&format!("export function {f}(")),
                "{f} is declared in akscert/{dir}"
            );
        }
    }
    // Kubeconfigs and other tool output are declared by the full and trust modules, not the
    // calculator's.
    for f in [
        "aksFacts",
        "fleetReport",
        "inspectKubeconfig",
        "inspectCurl",
        "inspectAksCluster",
    ] {
        assert!(
            !code.contains(&format!("export function {f}(")),
            "{f} in the calculator module"
        );
        for dir in ["full", "trust"] {
            let file = built().package.join(dir).join("index.d.ts");
            let module = std::fs::read_to_string(&file).expect("the module's declarations");
            assert!(
                code_of(&module).contains(&format!("export function {f}(")),
                "{f} is not declared in akscert/{dir}"
            );
        }
    }
    assert!(code.contains("export default function init("));
}

#[test]
fn tsc_strict_type_checks_real_use_of_the_package() {
    let test = "tsc_strict_type_checks_real_use_of_the_package";
    let pkg = &built().package;
    if node(test).is_none() || !npm_dev(test, &["typescript"]) {
        return;
    }
    let dir = scratch("tsc");
    std::fs::create_dir_all(dir.join("node_modules")).expect("node_modules");
    #[cfg(unix)]
    std::os::unix::fs::symlink(pkg, dir.join("node_modules/akscert")).expect("link the package");
    std::fs::copy(
        root().join("wasm/tests/types-check.ts"),
        dir.join("main.ts"),
    )
    .expect("copy");
    let tsconfig = r#"{
  "compilerOptions": {
    "strict": true, "noEmit": true, "target": "es2022", "module": "nodenext",
    "moduleResolution": "nodenext", "lib": ["es2022", "dom"], "skipLibCheck": false,
    "noUncheckedIndexedAccess": true, "types": []
  },
  "files": ["main.ts"]
}"#;
    std::fs::write(dir.join("tsconfig.json"), tsconfig).expect("tsconfig");
    std::fs::write(dir.join("package.json"), r#"{"type":"module"}"#).expect("package.json");
    let tsc = root().join("node_modules/typescript/bin/tsc");
    let out = Command::new("node")
        .arg(&tsc)
        .arg("-p")
        .arg(dir.join("tsconfig.json"))
        .output()
        .expect("run tsc");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "tsc found type errors:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    say("  tsc --strict: wasm/tests/types-check.ts type-checks against index.d.ts");
}
