// Every test file here sees the shared test support (scenario builders, the model oracle, the
// bundled scenarios) without importing it.
@_exported import RebalanceTestSupport
