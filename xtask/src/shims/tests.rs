//! The step on small modules written byte by byte.

use super::*;

const SHIM: &str = "wasm_bindgen::convert::closures::_::invoke::h0123456789abcdef";
const WAKER: &str = "js_sys::futures::jspi::task_waker::raw_wake::h0123456789abcdef";

fn section(id: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![id];
    write_u32(&mut out, body.len() as u32);
    out.extend_from_slice(body);
    out
}

fn name(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    write_u32(&mut out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
    out
}

fn code(bodies: &[&[u8]]) -> Vec<u8> {
    let mut body = vec![bodies.len() as u8];
    for b in bodies {
        write_u32(&mut body, b.len() as u32);
        body.extend_from_slice(b);
    }
    section(CODE, &body)
}

fn names_section(names: &[(u32, &str)]) -> Vec<u8> {
    let mut sub = vec![names.len() as u8];
    for (i, n) in names {
        write_u32(&mut sub, *i);
        sub.extend(name(n));
    }
    let mut body = name("name");
    body.push(1);
    write_u32(&mut body, sub.len() as u32);
    body.extend(sub);
    section(CUSTOM, &body)
}

/// Bodies of functions 1, 2, 3 and 4 (0 is imported): `run` calls the import; 2 and 4
/// are shims, 3 another function in the table.
const RUN: &[u8] = &[0x00, 0x10, 0x00, 0x0b];
const SHIM_BODY: &[u8] = &[0x00, 0x01, 0x01, 0x01, 0x0b];
const KEPT: &[u8] = &[0x00, 0x01, 0x0b];
const WAKER_BODY: &[u8] = &[0x00, 0x01, 0x01, 0x0b];

/// A module with an imported function, four of its own in a private table, `run`
/// exported, a `target_features` section and names; `exports` replaces the exports.
fn module(exports: &[u8], names: &[(u32, &str)]) -> Vec<u8> {
    module_with(&[1, 0x70, 0x00, 5], exports, names)
}

/// [`module`] with the table section `tables`.
fn module_with(tables: &[u8], exports: &[u8], names: &[(u32, &str)]) -> Vec<u8> {
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    m.extend(section(1, &[1, 0x60, 0, 0]));
    let mut imports = vec![1];
    imports.extend(name("m"));
    imports.extend(name("f"));
    imports.extend([0, 0]);
    m.extend(section(IMPORT, &imports));
    m.extend(section(3, &[4, 0, 0, 0, 0]));
    m.extend(section(TABLE, tables));
    m.extend(section(EXPORT, exports));
    m.extend(section(9, &[1, 0x00, 0x41, 0x01, 0x0b, 3, 2, 3, 4]));
    m.extend(code(&[RUN, SHIM_BODY, KEPT, WAKER_BODY]));
    m.extend(names_section(names));
    let mut features = name("target_features");
    features.extend([1, b'+', 3, b'f', b'o', b'o']);
    m.extend(section(CUSTOM, &features));
    m
}

fn export_run() -> Vec<u8> {
    let mut e = vec![1];
    e.extend(name("run"));
    e.extend([0, 1]);
    e
}

const NAMES: &[(u32, &str)] = &[(0, "m::f"), (1, "run"), (2, SHIM), (3, "kept"), (4, WAKER)];

#[test]
fn the_shims_become_traps_and_the_names_go_and_nothing_else_changes() {
    let stubbed = stub_unreachable_shims(&module(&export_run(), NAMES)).unwrap();
    assert_eq!(stubbed.functions, 2);
    assert_eq!(stubbed.bytes_before, SHIM_BODY.len() + WAKER_BODY.len());
    // The expected module: the same, with trap bodies for 2 and 4 and no name section.
    let mut want = b"\0asm\x01\0\0\0".to_vec();
    let whole = module(&export_run(), NAMES);
    let parts = sections(&whole).unwrap();
    for s in &parts {
        match s.id {
            CODE => want.extend(code(&[RUN, &TRAP_BODY, KEPT, &TRAP_BODY])),
            CUSTOM if s.custom_name(&whole).unwrap() == "name" => {}
            _ => want.extend_from_slice(&whole[s.whole.clone()]),
        }
    }
    assert_eq!(stubbed.module, want);
    // Run again, it finds no names and changes nothing more.
    let again = stub_unreachable_shims(&stubbed.module).unwrap();
    assert_eq!((again.functions, again.module), (0, stubbed.module));
}

#[test]
fn a_module_without_shims_only_loses_its_names() {
    let names = [(1, "run"), (2, "a"), (3, "b"), (4, "c")];
    let whole = module(&export_run(), &names);
    let stubbed = stub_unreachable_shims(&whole).unwrap();
    assert_eq!(stubbed.functions, 0);
    let name_section = names_section(&names);
    assert_eq!(stubbed.module.len(), whole.len() - name_section.len());
    assert!(!stubbed.module.windows(4).any(|w| w == b"name"));
}

#[test]
fn a_table_js_can_reach_or_an_exported_shim_is_refused() {
    // The table exported.
    let mut table_export = vec![2];
    table_export.extend(name("run"));
    table_export.extend([0, 1]);
    table_export.extend(name("table"));
    table_export.extend([TABLE_KIND, 0]);
    assert_eq!(
        stub_unreachable_shims(&module(&table_export, NAMES)),
        Err(ShimError::TableReachable)
    );
    // A shim exported.
    let mut shim_export = vec![1];
    shim_export.extend(name("invoke"));
    shim_export.extend([0, 2]);
    assert_eq!(
        stub_unreachable_shims(&module(&shim_export, NAMES)),
        Err(ShimError::Exported(SHIM.into()))
    );
    // A table imported.
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    let mut imports = vec![1];
    imports.extend(name("m"));
    imports.extend(name("t"));
    imports.extend([TABLE_KIND, 0x70, 0x00, 1]);
    m.extend(section(IMPORT, &imports));
    assert_eq!(stub_unreachable_shims(&m), Err(ShimError::TableReachable));
}

#[test]
fn an_exported_table_of_externrefs_is_no_way_in() {
    // wasm-bindgen's modules export their externref table (`__wbindgen_externrefs`),
    // table 1 here; exporting table 0, the functions', is refused.
    let two_tables = [2, 0x70, 0x00, 5, 0x6f, 0x00, 1];
    let export_table = |index: u8| {
        let mut e = export_run();
        e[0] = 2;
        e.extend(name("__wbindgen_externrefs"));
        e.extend([TABLE_KIND, index]);
        e
    };
    let externrefs = module_with(&two_tables, &export_table(1), NAMES);
    assert_eq!(stub_unreachable_shims(&externrefs).unwrap().functions, 2);
    let functions = module_with(&two_tables, &export_table(0), NAMES);
    assert_eq!(
        stub_unreachable_shims(&functions),
        Err(ShimError::TableReachable)
    );
    let none = module_with(&two_tables, &export_table(2), NAMES);
    assert!(matches!(
        stub_unreachable_shims(&none),
        Err(ShimError::Malformed(_))
    ));
}

#[test]
fn bytes_that_are_not_a_whole_module_are_malformed() {
    let whole = module(&export_run(), NAMES);
    for cut in [0, 4, 9, 20, whole.len() - 1] {
        assert!(
            matches!(
                stub_unreachable_shims(&whole[..cut]),
                Err(ShimError::Malformed(_))
            ),
            "cut at {cut}"
        );
    }
}
