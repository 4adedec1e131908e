import Rebalancing

extension PlanReport {
    /// How the plan came about, as a sentence: a baseline follows its rules rather than
    /// reaching an optimum, so it does not claim one.
    var statusSentence: String {
        guard strategy.isBaseline, status.isOptimal else { return status.description }
        switch strategy.kind {
        case .fifo: return "baseline: full's trades with the oldest lots sold first (not optimized for tax)"
        case .m1: return "baseline: M1 Finance's rebalancing rules (not optimized)"
        default: return "baseline (not optimized)"
        }
    }
}

/// "1 account", "3 accounts".
func counted(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
}
