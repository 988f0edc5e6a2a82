#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nodeconfig_fuzz::toml_deep_reference(data));
