//! The layout of the npm package (`target/npm`) and of the calculator page (`target/www`).
//!
//! Both are written to a sibling `*.new` directory and swapped in, so a failed build never
//! leaves half a package behind.

use std::fs;
use std::path::Path;

use crate::{BuildError, MODULES, Module, io};

/// The glue's file name (`akscert.js`).
fn glue_file(module: Module) -> String {
    format!("{}.js", module.out_name)
}

/// The line that ends wasm-bindgen's `web` glue: its exports besides the functions.
const GLUE_EXPORTS: &str = "export { initSync, __wbg_init as default };";

/// The Node entry of `module`: its browser glue `glue` (wasm-bindgen's `web` output) in
/// the same file, instantiated synchronously from the package's own `_bg.wasm` (the very
/// file browsers and wasmtime load). One file, not an entry importing the glue: each
/// module Node's ESM loader resolves and links costs ~1 ms of a cold start (measured in
/// benches/README.md, "The npm package in Node").
fn node_entry(module: Module, glue: &str) -> Result<String, BuildError> {
    let unexpected = |what: &str| {
        BuildError::Check(format!(
            "{}: wasm-bindgen's glue {what}; the Node entry cannot be built from it",
            glue_file(module)
        ))
    };
    // The glue's default export is the browser's async `init(url)`; the entry's is below.
    let Some((body, tail)) = glue.rsplit_once(GLUE_EXPORTS) else {
        return Err(unexpected(
            "does not end with `export { initSync, … as default }`",
        ));
    };
    if !tail.trim().is_empty() || body.lines().any(|l| l.starts_with("import ")) {
        return Err(unexpected("has imports or text after its exports"));
    }
    // Its types are the package's index.d.ts, not the glue's own `.d.ts`.
    let body = body
        .strip_prefix(&format!(
            "/* @ts-self-types=\"./{}.d.ts\" */\n",
            module.out_name
        ))
        .unwrap_or(body);
    Ok(format!(
        "\
// Node entry of akscert's {build} module: the browser glue ({glue_name}), instantiated
// synchronously from the package's own {wasm} (the very file browsers and wasmtime load).
// node:fs through process.getBuiltinModule, not `import`: Node builds an ES module
// wrapper for a built-in it imports, ~1.4 ms of a cold start.
if (typeof process?.getBuiltinModule !== 'function') {{
  throw new Error('akscert needs Node.js 20.16 or later (process.getBuiltinModule)');
}}
const {{ readFileSync }} = process.getBuiltinModule('node:fs');
{body}export {{ initSync }};

const abi = initSync({{ module: readFileSync(new URL('./{wasm}', import.meta.url)) }});

/** Already initialised at import: resolves to the raw exports (the C-style ABI). */
export default async function init() {{
  return abi;
}}
",
        build = module.build,
        wasm = module.wasm_file,
        glue_name = glue_file(module),
    ))
}

/// What replaces wasm-bindgen's `InitInput` … end: the same functions, typed without `any`.
const DTS_TAIL: &str = "\
/** What `init()` accepts: a URL or request of the module, its bytes, or a compiled module. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/** What `initSync()` accepts: the module's bytes or a compiled module. */
export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * The module's raw exports that a program may use: its memory and the C-style host ABI
 * (`ABI.md`: `akscert_call` takes a 1-based operation index and returns
 * `(outPtr << 32) | outLen` as a `bigint`).
 */
export interface AkscertAbi {
    readonly memory: WebAssembly.Memory;
    readonly akscert_abi_version: () => number;
    readonly akscert_alloc: (len: number) => number;
    readonly akscert_free: (ptr: number, len: number) => void;
    readonly akscert_call: (op: number, ptr: number, len: number) => bigint;
}

/**
 * Every function throws an `AkscertError` on bad input: `name` and `kind` are the core's
 * stable error kind (`badInput`, `invalidScenario`, `invalidClusterFacts`, …) and
 * `message` names what and where.
 */
export interface AkscertError extends Error {
    readonly kind: string;
}

/** Instantiate the module synchronously (Node does this at import; browsers may too). */
export function initSync(module: { module: SyncInitInput }): AkscertAbi;

/**
 * Instantiate the module (browsers: call once before anything else; without an argument
 * it fetches `akscert_bg.wasm` next to the glue). In Node it is already done at import.
 */
export default function init(module_or_path?: { module_or_path: InitInput | Promise<InitInput> }): Promise<AkscertAbi>;
";

/// The package's public declarations: wasm-bindgen's, with its `InitInput`/`InitOutput`
/// section (which types the raw exports with `any`) replaced by `DTS_TAIL` (the same
/// functions, typed without `any`).
pub fn public_dts(generated: &str) -> Result<String, BuildError> {
    let cut = generated
        .find("export type InitInput")
        .ok_or_else(|| BuildError::Check("wasm-bindgen's .d.ts has no InitInput section".into()))?;
    Ok(format!("{}{DTS_TAIL}", &generated[..cut]))
}

/// `package.json` of the npm package. Written as text: the order of the `exports`
/// conditions matters (Node takes the first that matches), and serde_json sorts keys.
fn package_json() -> String {
    format!(
        r#"{{
  "name": "akscert",
  "version": "{version}",
  "description": "AKS cluster certificate lifecycles in WebAssembly: expiry reports, what-ifs, certificate inspection (akscert), signature and trust checks (akscert/trust), and the rotation simulator (akscert/full). Nothing leaves the page.",
  "license": "{license}",
  "type": "module",
  "main": "./node.js",
  "module": "./akscert.js",
  "browser": "./akscert.js",
  "types": "./index.d.ts",
  "exports": {{
    ".": {{
      "types": "./index.d.ts",
      "node": "./node.js",
      "default": "./akscert.js"
    }},
    "./trust": {{
      "types": "./trust/index.d.ts",
      "node": "./trust/node.js",
      "default": "./trust/akscert_trust.js"
    }},
    "./full": {{
      "types": "./full/index.d.ts",
      "node": "./full/node.js",
      "default": "./full/akscert_full.js"
    }},
    "./akscert_bg.wasm": "./akscert_bg.wasm",
    "./trust/akscert_trust_bg.wasm": "./trust/akscert_trust_bg.wasm",
    "./full/akscert_full_bg.wasm": "./full/akscert_full_bg.wasm",
    "./package.json": "./package.json"
  }},
  "files": ["akscert.js", "node.js", "index.d.ts", "akscert_bg.wasm", "trust/", "full/", "README.md", "ABI.md"],
  "sideEffects": ["./node.js", "./trust/node.js", "./full/node.js"],
  "engines": {{ "node": ">=20.16" }},
  "keywords": ["aks", "kubernetes", "certificates", "x509", "wasm"]
}}
"#,
        version = env!("CARGO_PKG_VERSION"),
        license = env!("CARGO_PKG_LICENSE"),
    )
}

/// Lay out the npm package from wasm-bindgen's `web` output in `web`: each module in its
/// own directory ([`Module::package_dir`]) with its glue, declarations and Node entry.
pub fn package(root: &Path, web: &Path, dest: &Path) -> Result<(), BuildError> {
    let new = dest.with_extension("new");
    fresh_dir(&new)?;
    for module in MODULES {
        let dir = new.join(module.package_dir);
        io(
            format!("create {}", dir.display()),
            fs::create_dir_all(&dir),
        )?;
        let glue = io(
            "read the generated glue",
            fs::read_to_string(web.join(glue_file(module))),
        )?;
        write(&dir.join(glue_file(module)), &glue)?;
        copy(&web.join(module.wasm_file), &dir.join(module.wasm_file))?;
        let dts = io(
            "read the generated .d.ts",
            fs::read_to_string(web.join(format!("{}.d.ts", module.out_name))),
        )?;
        write(&dir.join("index.d.ts"), &public_dts(&dts)?)?;
        write(&dir.join("node.js"), &node_entry(module, &glue)?)?;
    }
    write(&new.join("package.json"), &package_json())?;
    copy(&root.join("wasm/README.md"), &new.join("README.md"))?;
    copy(&root.join("wasm/ABI.md"), &new.join("ABI.md"))?;
    swap(&new, dest)
}

/// Lay out the calculator page: `wasm/www/*`, and for each module it uses its
/// classic-script glue and the module as a base64 script (the page loads the full one only
/// on demand).
pub fn www(root: &Path, classic: &Path, dest: &Path) -> Result<(), BuildError> {
    let new = dest.with_extension("new");
    fresh_dir(&new)?;
    let src = root.join("wasm/www");
    for entry in io("list wasm/www", fs::read_dir(&src))? {
        let entry = io("list wasm/www", entry)?;
        if entry.path().is_file() {
            copy(&entry.path(), &new.join(entry.file_name()))?;
        }
    }
    for module in MODULES.into_iter().filter(|m| m.on_page) {
        copy(
            &classic.join(glue_file(module)),
            &new.join(module.page_glue_script),
        )?;
        let bytes = io("read the module", fs::read(classic.join(module.wasm_file)))?;
        let script = format!(
            "// {} ({} bytes) as base64: fetch() cannot read file:// URLs.\nvar {} = \"{}\";\n",
            module.wasm_file,
            bytes.len(),
            module.page_module_var,
            base64(&bytes)
        );
        write(&new.join(module.page_module_script), &script)?;
    }
    swap(&new, dest)
}

/// Whether both outputs are present (a removed file forces a rebuild).
pub fn is_complete(package: &Path, www: &Path) -> bool {
    package.join("package.json").is_file()
        && www.join("index.html").is_file()
        && MODULES.iter().all(|m| {
            let dir = package.join(m.package_dir);
            let package_files = [
                m.wasm_in(package),
                dir.join(glue_file(*m)),
                dir.join("node.js"),
                dir.join("index.d.ts"),
            ];
            let page_files = [www.join(m.page_glue_script), www.join(m.page_module_script)];
            package_files.iter().all(|p| p.is_file())
                && (!m.on_page || page_files.iter().all(|p| p.is_file()))
        })
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn fresh_dir(dir: &Path) -> Result<(), BuildError> {
    if dir.exists() {
        io(format!("clear {}", dir.display()), fs::remove_dir_all(dir))?;
    }
    io(format!("create {}", dir.display()), fs::create_dir_all(dir))
}

fn copy(from: &Path, to: &Path) -> Result<(), BuildError> {
    io(
        format!("copy {} to {}", from.display(), to.display()),
        fs::copy(from, to),
    )
    .map(|_| ())
}

fn write(path: &Path, text: &str) -> Result<(), BuildError> {
    io(format!("write {}", path.display()), fs::write(path, text))
}

fn swap(new: &Path, dest: &Path) -> Result<(), BuildError> {
    if dest.exists() {
        io(
            format!("remove {}", dest.display()),
            fs::remove_dir_all(dest),
        )?;
    }
    io(
        format!("move {} into place", new.display()),
        fs::rename(new, dest),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_node_entry_is_the_glue_and_its_synchronous_init_in_one_file() {
        let module = MODULES[0];
        let glue = format!(
            "/* @ts-self-types=\"./{}.d.ts\" */\nexport function build() {{ return 'x'; }}\nfunction initSync(m) {{}}\nasync function __wbg_init(m) {{}}\n{GLUE_EXPORTS}\n",
            module.out_name
        );
        let entry = node_entry(module, &glue).expect("a glue of the expected shape");
        assert!(entry.contains("export function build()"), "{entry}");
        assert!(entry.contains("export { initSync };"), "{entry}");
        assert!(entry.contains(&format!("readFileSync(new URL('./{}'", module.wasm_file)));
        assert!(entry.contains("export default async function init()"));
        // Nothing is imported (node:fs is taken as the built-in it is), and the browser's
        // default export is gone.
        assert!(!entry.lines().any(|l| l.starts_with("import ")), "{entry}");
        assert!(entry.contains("const { readFileSync } = process.getBuiltinModule('node:fs');"));
        assert!(!entry.contains("__wbg_init as default"));
        assert!(!entry.contains("@ts-self-types"));
    }

    #[test]
    fn a_glue_of_another_shape_is_refused_not_half_copied() {
        let module = MODULES[0];
        for glue in [
            "export function build() {}\n",
            &format!("import x from './y.js';\n{GLUE_EXPORTS}\n"),
            &format!("{GLUE_EXPORTS}\nexport const late = 1;\n"),
        ] {
            let err = node_entry(module, glue).expect_err(glue);
            assert!(matches!(err, BuildError::Check(_)), "{err}");
            assert!(err.to_string().contains(&glue_file(module)), "{err}");
        }
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    #[test]
    fn public_dts_drops_the_any_typed_init_section() {
        let generated = "export function version(): VersionInfo;\nexport type InitInput = X;\nexport interface InitOutput { readonly f: (a: any) => void; }\n";
        let dts = public_dts(generated).unwrap();
        assert!(dts.starts_with("export function version(): VersionInfo;\n"));
        assert!(!dts.contains("any)"));
        assert!(dts.contains("export default function init("));
        assert!(public_dts("no section").is_err());
    }

    #[test]
    fn package_json_has_esm_exports_types_and_files() {
        let v: serde_json::Value = serde_json::from_str(&package_json()).unwrap();
        assert_eq!(v["type"], "module");
        assert_eq!(v["exports"]["."]["types"], "./index.d.ts");
        assert_eq!(v["exports"]["."]["node"], "./node.js");
        assert_eq!(v["exports"]["."]["default"], "./akscert.js");
        // Node takes the first matching condition: types, then node, then default.
        let text = package_json();
        let order: Vec<usize> = ["\"types\": \"./index", "\"node\":", "\"default\":"]
            .iter()
            .map(|k| text.find(k).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
        assert_eq!(v["engines"]["node"], ">=20.16");
        let files: Vec<&str> = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f.as_str())
            .collect();
        assert!(files.contains(&"akscert_bg.wasm") && files.contains(&"index.d.ts"));
        for m in MODULES.into_iter().filter(|m| !m.package_dir.is_empty()) {
            let dir = m.package_dir;
            assert!(files.contains(&format!("{dir}/").as_str()), "{dir}");
            let entry = &v["exports"][format!("./{dir}")];
            assert_eq!(entry["node"], format!("./{dir}/node.js"));
            assert_eq!(entry["types"], format!("./{dir}/index.d.ts"));
            assert_eq!(entry["default"], format!("./{dir}/{}.js", m.out_name));
            assert_eq!(
                v["exports"][format!("./{dir}/{}", m.wasm_file)],
                format!("./{dir}/{}", m.wasm_file)
            );
            assert!(
                v["sideEffects"]
                    .as_array()
                    .unwrap()
                    .contains(&serde_json::json!(format!("./{dir}/node.js")))
            );
        }
    }
}
