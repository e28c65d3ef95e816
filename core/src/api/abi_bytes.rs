//! The host ABI's bytes (`wasm/ABI.md`): its version, the status byte that starts every
//! output, and the byte that starts a packed input. The module's `akscert_call`
//! (`akscert-wasm`) and the CLI's wasm engine (`akscert-sim`) are the two sides of that
//! contract; both take these from here.

/// Version of the host ABI; the module's `akscert_abi_version()` returns it and a host
/// refuses a module that says another. Bumped on any incompatible change of the exports,
/// of the buffers' layout or of an operation's number.
pub const ABI_VERSION: u32 = 3;

/// First byte of an output buffer: the rest is the operation's result JSON (or a packed
/// answer's postcard bytes, when the request asked for one).
pub const STATUS_OK: u8 = 0;

/// First byte of an output buffer: the rest is an [`super::ErrorDocument`] as JSON.
pub const STATUS_ERROR: u8 = 1;

/// First byte of a packed input through the host ABI: never valid UTF-8, so no JSON text
/// begins with it. Postcard follows: a scenario for `openScenario` (`pack_scenario`), a
/// request for `simulateOpenCluster` (`pack_request`) or for `foldCluster`
/// (`pack_fold`), from a host that holds them typed already (the CLI's wasm engine). No
/// other operation takes one ([`super::Op::takes_packed`]).
pub const PACKED_INPUT: u8 = 0xFF;

/// The host ABI's input for `postcard` bytes: [`PACKED_INPUT`], then the bytes.
pub fn packed_input(postcard: &[u8]) -> Vec<u8> {
    let mut input = Vec::with_capacity(postcard.len() + 1);
    input.push(PACKED_INPUT);
    input.extend_from_slice(postcard);
    input
}
