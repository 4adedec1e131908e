import Foundation
import Rebalancing

// Households for tests, from YAML text, and what tests ask of a plan.

/// A household from YAML text (throwing the reader's error on invalid input).
public func household(_ yaml: String, source: String = "test.yaml") throws -> Household {
    Household(try ScenarioLoader.parse(Data(yaml.utf8), format: .yaml, source: source))
}

/// The reader's messages for a YAML text, one per problem; empty when it loads.
public func issueLines(_ text: String, source: String = "s.yaml") -> [String] {
    do throws(ScenarioError) {
        _ = try ScenarioLoader.parse(Data(text.utf8), format: .yaml, source: source)
        return []
    } catch {
        return error.lines
    }
}

/// The report of one strategy's plan, planned by the test ``Planner``.
public func report(_ household: Household, _ strategy: String) throws -> PlanReport {
    let plan = Planner().plan(household, strategy: try Strategy(parsing: strategy))
    return PlanReport(plan, household: household)
}

/// A two-symbol household for hand-worked plans: A and B at `prices` (both $100 unless given),
/// target 50/50, asOf 2026-11-20 (the default rates: short-term 35%, long-term 15%), one
/// account `t` (taxable unless `type` says otherwise) holding `lots`, each a YAML flow mapping
/// (`{symbol: A, shares: 10, costBasis: 500, acquired: 2020-01-01}`). `tax` is the YAML of the
/// `tax` section and `account` more keys of the account (`flow: 300`), when given.
public func halfAndHalfYAML(
    lots: [String], tax: String? = nil, account: String? = nil, type: String = "taxable",
    prices: String = "{A: 100, B: 100}"
) -> String {
    var lines = ["asOf: 2026-11-20"]
    if let tax { lines.append("tax: \(tax)") }
    lines += [
        "prices: \(prices)",
        "pie: {slices: [{symbol: A, weight: 50}, {symbol: B, weight: 50}]}",
        "accounts:",
        "  - id: t",
        "    type: \(type)",
    ]
    if let account { lines.append("    " + account) }
    lines.append(lots.isEmpty ? "    lots: []" : "    lots:")
    lines += lots.map { "      - " + $0 }
    return lines.joined(separator: "\n")
}

extension PlanReport {
    /// The trade of `symbol` in `account` with that action, if the plan has one.
    public func trade(_ account: String, _ symbol: String, _ action: Trade.Action) -> Trade? {
        trades.first { $0.account == account && $0.symbol == symbol && $0.action == action }
    }

    /// Its amount in dollars, 0 without such a trade.
    public func amount(_ account: String, _ symbol: String, _ action: Trade.Action) -> Double {
        trade(account, symbol, action)?.amount ?? 0
    }
}

/// Equal within `tolerance` (half a cent unless given).
public func close(_ a: Double, _ b: Double, within tolerance: Double = 0.005) -> Bool {
    abs(a - b) <= tolerance
}
