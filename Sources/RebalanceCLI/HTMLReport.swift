import Rebalancing

/// Self-contained HTML reports (inline SVG, no network).
enum HTMLReport {
    static func compare(_ comparison: Comparison) -> String {
        "<!doctype html><title>\(comparison.name)</title><p>HTML report pending</p>"
    }
}
