# Sourced by run.sh and listing.sh: builds the server-bench example as a server is shipped.
#
# The workspace release profile is tuned for the wasm package (opt-level "z", LTO); the
# server is benchmarked with opt-level 3, no LTO, in its own target dir.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=3
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export CARGO_PROFILE_RELEASE_PANIC=unwind
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/bench-server}
cargo build --release -p qstash-server --example server-bench
