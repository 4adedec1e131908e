import Rebalancing

/// Self-contained HTML reports (inline SVG, no network).
enum HTMLReport {
    static func compare(_ comparison: Comparison) -> String {
        "<!doctype html><title>\(comparison.name)</title><p>HTML report pending</p>"
    }

    static func frontier(_ frontier: Frontier) -> String {
        "<!doctype html><title>\(frontier.name)</title><p>HTML report pending</p>"
    }
}
