import Foundation
import GLPKSolver
import RebalanceTestSupport
import Testing

@testable import Rebalancing

/// Every bundled scenario plans under every strategy and both baselines with `minTrade: 25` on
/// every account, and again with `wholeShares: true` on every account; every plan is optimal (a
/// tax budget too small for a withdrawal may be infeasible, as without the rules) and passes the
/// independent verifier, which checks the orders.
///
/// In whole shares, `band`'s stages are exact-change problems (with the drift inside the band
/// free, little is left but spending each account's cash to the cent in whole shares); branch
/// and bound proves them by branching along each account's exchange directions, and the later
/// stages on the steps in which spending the cash to the cent lets a symbol trade
/// (ExchangeLattice.swift). docs/engineering.md has the measurements; WholeSharesEnumerationTests
/// and ExactChangeTests check `band` in whole shares against listing every plan of tiny households.
@Suite struct ExecutableOrdersBundledTests {
    static let strategies = ["cash-only", "full", "tax-aware", "band:5", "tax-budget:0", "tax-budget:1000", "fifo", "m1"]

    enum Rules: String, CaseIterable { case wholeShares, minTrade }

    @Test(arguments: bundledScenarios, Rules.allCases)
    func everyStrategyPlansExecutableOrders(file: String, rules: Rules) throws {
        var scenario = try ScenarioLoader.load(path: bundledScenarioPath(file))
        for a in scenario.accounts.indices {
            switch rules {
            case .wholeShares: scenario.accounts[a].wholeShares = true
            case .minTrade: scenario.accounts[a].minTrade = 25
            }
        }
        let household = Household(scenario)
        let verifier = PlanVerifier(household)
        var drift: [String: Double] = [:]
        var names = Self.strategies
        for own in scenario.strategies?.map(\.name) ?? [] where !names.contains(own) { names.append(own) }
        for name in names {
            let strategy = try Strategy(parsing: name)
            let plan = Planner().plan(household, strategy: strategy)
            if case .taxBudget = strategy.kind, plan.status == .infeasible { continue }
            #expect(plan.status == .optimal, "\(file) \(rules) \(name): \(plan.status)")
            #expect(verifier.violations(of: plan) == [], "\(file) \(rules) \(name)")
            drift[name] = PlanReport(plan, household: household).summary.misallocatedAfter
        }
        // full minimizes drift under the same rules: no strategy, and neither baseline, does better.
        let full = try #require(drift["full"])
        let tol = Optimizer<GLPKSolver>.stageTolerance(household)
        for (name, d) in drift { #expect(full <= d + tol, "\(file) \(rules): full \(full) vs \(name) \(d)") }
    }
}
