//! The derive's compile-time contract: `pass/` must compile (and run), `fail/` must not, with
//! the committed `.stderr` as the exact message. Regenerate with `TRYBUILD=overwrite` and read
//! every changed `.stderr` as you would code.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("pass/*.rs");
    cases.compile_fail("fail/*.rs");
}
