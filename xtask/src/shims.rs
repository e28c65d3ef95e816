//! The last step on a module wasm-bindgen wrote: the closure shims no JS can call become
//! one-instruction traps, and the name section goes.
//!
//! Why: every js-sys import that takes a closure (`Array::for_each`, `Promise::new` …)
//! describes it with a pointer to an `invoke` shim, and js-sys exports a JSPI task poll
//! whose waker is a table of four functions. The wasm-bindgen CLI drops the imports this
//! module does not use and the poll, but keeps every function the function table holds,
//! so their shims stay: 43 `invoke`s and the four waker functions, 4.6 KB of code and
//! 0.8 KB gzip of the calculator module (benches/README.md). Nothing can call them: JS
//! reaches a table entry only through an exported table of functions, which these modules
//! do not have (checked here), and no Rust code calls a shim: only JS does, for a closure
//! Rust handed it.
//! Each keeps its table slot and its type, so every index stays where it was; its body
//! becomes `unreachable`, so a call that could not happen would trap rather than run.
//!
//! The shims are found by name (the name section wasm-bindgen keeps when not asked to
//! remove it), then the name section is removed, as `--remove-name-section` would.

use std::fmt;

/// Name prefixes of the functions only wasm-bindgen's describe machinery points at.
const UNREACHABLE_PREFIXES: [&str; 2] = [
    "wasm_bindgen::convert::closures::_::invoke",
    "js_sys::futures::jspi::task_waker::",
];

/// The body of a stub: no locals, `unreachable`, `end`.
const TRAP_BODY: [u8; 3] = [0x00, 0x00, 0x0b];

/// Why a module could not be rewritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShimError {
    /// The bytes are not a WebAssembly module this reader understands.
    Malformed(String),
    /// The module exports or imports a table of functions: JS could then call any of them.
    TableReachable,
    /// A function to stub is exported.
    Exported(String),
}

impl fmt::Display for ShimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShimError::Malformed(why) => write!(f, "not a module this step reads: {why}"),
            ShimError::TableReachable => f.write_str(
                "the module exports or imports a table of functions, so JS may call the closure shims; they were left as they are",
            ),
            ShimError::Exported(name) => write!(f, "`{name}` is exported; it was left as it is"),
        }
    }
}

/// What [`stub_unreachable_shims`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stubbed {
    /// The rewritten module, without its name section.
    pub module: Vec<u8>,
    /// How many function bodies became traps.
    pub functions: usize,
    /// Their bytes before (bodies only).
    pub bytes_before: usize,
}

/// Stub the closure shims of `module` and remove its name section.
pub fn stub_unreachable_shims(module: &[u8]) -> Result<Stubbed, ShimError> {
    let sections = sections(module)?;
    let mut imported_functions = 0u32;
    let mut tables = Vec::new();
    let mut exported_functions = Vec::new();
    let mut names = Vec::new();
    // Sections come in id order (custom ones anywhere): imports, tables, then exports.
    for s in &sections {
        let body = &module[s.body.clone()];
        match s.id {
            IMPORT => imported_functions = read_imports(body, &mut tables)?,
            TABLE => read_tables(body, &mut tables)?,
            EXPORT => exported_functions = read_exports(body, &tables)?,
            CUSTOM if s.custom_name(module)? == "name" => names = read_function_names(s, module)?,
            _ => {}
        }
    }
    let stubbed: Vec<(u32, &str)> = names
        .iter()
        .filter(|(_, n)| UNREACHABLE_PREFIXES.iter().any(|p| n.starts_with(p)))
        .map(|(i, n)| (*i, n.as_str()))
        .collect();
    if let Some((_, name)) = stubbed.iter().find(|(i, _)| exported_functions.contains(i)) {
        return Err(ShimError::Exported((*name).to_string()));
    }

    let mut out = module[..8].to_vec();
    let mut functions = 0;
    let mut bytes_before = 0;
    for s in &sections {
        match s.id {
            CUSTOM if s.custom_name(module)? == "name" => continue,
            CODE if !stubbed.is_empty() => {
                let mut r = Reader::new(&module[s.body.clone()]);
                let count = r.u32()?;
                let mut body = Vec::new();
                write_u32(&mut body, count);
                for k in 0..count {
                    let len = r.u32()? as usize;
                    let code = r.bytes(len)?;
                    let index = imported_functions + k;
                    if stubbed.iter().any(|(i, _)| *i == index) {
                        functions += 1;
                        bytes_before += len;
                        write_u32(&mut body, TRAP_BODY.len() as u32);
                        body.extend_from_slice(&TRAP_BODY);
                    } else {
                        write_u32(&mut body, len as u32);
                        body.extend_from_slice(code);
                    }
                }
                r.end()?;
                out.push(CODE);
                write_u32(&mut out, body.len() as u32);
                out.extend_from_slice(&body);
            }
            _ => out.extend_from_slice(&module[s.whole.clone()]),
        }
    }
    Ok(Stubbed {
        module: out,
        functions,
        bytes_before,
    })
}

const CUSTOM: u8 = 0;
const IMPORT: u8 = 2;
const TABLE: u8 = 4;
const EXPORT: u8 = 7;
const CODE: u8 = 10;
/// The external kind of a table, in imports and exports.
const TABLE_KIND: u8 = 1;
/// The element type of a table of functions.
const FUNCREF: u8 = 0x70;

/// A section: its id, its bytes with the header, and without.
struct Section {
    id: u8,
    whole: std::ops::Range<usize>,
    body: std::ops::Range<usize>,
}

impl Section {
    /// A custom section's name (`""` for another section).
    fn custom_name<'m>(&self, module: &'m [u8]) -> Result<&'m str, ShimError> {
        if self.id != CUSTOM {
            return Ok("");
        }
        Reader::new(&module[self.body.clone()]).name()
    }
}

fn sections(module: &[u8]) -> Result<Vec<Section>, ShimError> {
    if module.get(..8) != Some(b"\0asm\x01\0\0\0".as_slice()) {
        return Err(ShimError::Malformed("no WebAssembly 1 header".into()));
    }
    let mut r = Reader::new(module);
    r.at = 8;
    let mut out = Vec::new();
    while r.at < module.len() {
        let start = r.at;
        let id = r.byte()?;
        let len = r.u32()? as usize;
        let body = r.at..r.at + len;
        r.bytes(len)?;
        out.push(Section {
            id,
            whole: start..r.at,
            body,
        });
    }
    Ok(out)
}

/// The number of imported functions (they come first in the function index space); an
/// imported table of functions is refused (another one is counted in `tables`, for the
/// index space).
fn read_imports(body: &[u8], tables: &mut Vec<u8>) -> Result<u32, ShimError> {
    let mut r = Reader::new(body);
    let mut functions = 0;
    for _ in 0..r.u32()? {
        r.name()?;
        r.name()?;
        match r.byte()? {
            0 => {
                r.u32()?;
                functions += 1;
            }
            TABLE_KIND => {
                let element = r.byte()?;
                if element == FUNCREF {
                    return Err(ShimError::TableReachable);
                }
                r.limits()?;
                tables.push(element);
            }
            2 => r.limits()?,
            3 => {
                r.byte()?;
                r.byte()?;
            }
            4 => {
                r.byte()?;
                r.u32()?;
            }
            kind => return Err(ShimError::Malformed(format!("import kind {kind}"))),
        }
    }
    r.end()?;
    Ok(functions)
}

/// The element types of the tables the module defines, after the imported ones.
fn read_tables(body: &[u8], tables: &mut Vec<u8>) -> Result<(), ShimError> {
    let mut r = Reader::new(body);
    for _ in 0..r.u32()? {
        tables.push(r.byte()?);
        r.limits()?;
    }
    r.end()
}

/// The exported functions' indices; an exported table of functions is refused (the
/// externref table wasm-bindgen exports holds no functions).
fn read_exports(body: &[u8], tables: &[u8]) -> Result<Vec<u32>, ShimError> {
    let mut r = Reader::new(body);
    let mut functions = Vec::new();
    for _ in 0..r.u32()? {
        r.name()?;
        let kind = r.byte()?;
        let index = r.u32()?;
        match kind {
            0 => functions.push(index),
            TABLE_KIND => {
                let element = tables.get(index as usize).copied().ok_or_else(|| {
                    ShimError::Malformed(format!("an export of table {index}, which is none"))
                })?;
                if element == FUNCREF {
                    return Err(ShimError::TableReachable);
                }
            }
            _ => {}
        }
    }
    r.end()?;
    Ok(functions)
}

/// The function names (subsection 1) of the name section `s`.
fn read_function_names(s: &Section, module: &[u8]) -> Result<Vec<(u32, String)>, ShimError> {
    let mut r = Reader::new(&module[s.body.clone()]);
    r.name()?;
    while r.at < r.bytes.len() {
        let sub = r.byte()?;
        let len = r.u32()? as usize;
        let content = r.bytes(len)?;
        if sub == 1 {
            let mut f = Reader::new(content);
            let mut names = Vec::new();
            for _ in 0..f.u32()? {
                let index = f.u32()?;
                names.push((index, f.name()?.to_string()));
            }
            f.end()?;
            return Ok(names);
        }
    }
    Ok(Vec::new())
}

/// A cursor over bytes, reading the binary format's LEB128 integers and names.
struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Reader<'b> {
    fn new(bytes: &'b [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    fn byte(&mut self) -> Result<u8, ShimError> {
        let b = *self
            .bytes
            .get(self.at)
            .ok_or_else(|| ShimError::Malformed(format!("ends at byte {}", self.at)))?;
        self.at += 1;
        Ok(b)
    }

    fn bytes(&mut self, len: usize) -> Result<&'b [u8], ShimError> {
        let end = self
            .at
            .checked_add(len)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| ShimError::Malformed(format!("{len} bytes past byte {}", self.at)))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32, ShimError> {
        let mut value = 0u32;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            value |= u32::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(ShimError::Malformed(format!(
            "a u32 too long at byte {}",
            self.at
        )))
    }

    fn name(&mut self) -> Result<&'b str, ShimError> {
        let len = self.u32()? as usize;
        let at = self.at;
        std::str::from_utf8(self.bytes(len)?)
            .map_err(|_| ShimError::Malformed(format!("a name that is not UTF-8 at byte {at}")))
    }

    /// Table or memory limits: flags, minimum, and the maximum if the flags say so.
    fn limits(&mut self) -> Result<(), ShimError> {
        let flags = self.byte()?;
        self.u32()?;
        if flags & 1 != 0 {
            self.u32()?;
        }
        Ok(())
    }

    fn end(&self) -> Result<(), ShimError> {
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            Err(ShimError::Malformed(format!(
                "{} bytes left over",
                self.bytes.len() - self.at
            )))
        }
    }
}

fn write_u32(out: &mut Vec<u8>, mut n: u32) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

#[cfg(test)]
mod tests;
