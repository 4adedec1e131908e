import GLPKSolver
import Foundation
import Testing
@testable import Rebalancing
import LinearProgramming

/// Every bundled scenario plans under every strategy, and each plan satisfies the model's
/// constraints when recomputed from its trades.
@Suite struct BundledScenarioTests {
    static let strategies = [
        "cash-only", "full", "tax-aware", "tax-aware:0.5", "band:5", "band:2", "tax-budget:0", "tax-budget:1000",
    ]

    @Test(arguments: bundledScenarios)
    func everyStrategyPlansAValidPlan(file: String) throws {
        let scenario = try ScenarioLoader.load(path: scenariosDirectory.appendingPathComponent(file).path)
        let household = Household(scenario)
        let verifier = PlanVerifier(household)
        var results: [String: PlanReport] = [:]
        for name in Self.strategies + (scenario.strategies?.map(\.name) ?? []) {
            let strategy = try Strategy(parsing: name)
            let plan = Planner().plan(household, strategy: strategy)
            if case .taxBudget = strategy.kind, plan.status == .infeasible {
                continue  // A budget can be too small for a withdrawal: a result, checked elsewhere.
            }
            #expect(plan.status == .optimal, "\(file) \(name): \(plan.status)")
            #expect(verifier.violations(of: plan) == [], "\(file) \(name)")
            results[name] = PlanReport(plan, household: household)
            // Drift per class, recomputed by the verifier from the scenario, agrees with the report.
            #expect(
                close(verifier.misallocation(of: plan), results[name]!.summary.misallocatedAfter, within: 1e-6),
                "\(file) \(name)")
        }
        let full = try #require(results["full"])
        let cashOnly = try #require(results["cash-only"])
        let tol = Optimizer<GLPKSolver>.stageTolerance(household)
        // full minimizes drift with no extra constraint: nothing reaches lower drift.
        for (name, report) in results {
            #expect(full.summary.misallocatedAfter <= report.summary.misallocatedAfter + tol, "\(file): full vs \(name)")
        }
        // fifo sells other lots for full's trades: the same drift, never less tax this year.
        let fifo = PlanReport(Planner().plan(household, strategy: try Strategy(parsing: "fifo")), household: household)
        #expect(fifo.status == .optimal)
        #expect(verifier.violations(of: fifo.plan) == [], "\(file) fifo")
        #expect(close(fifo.summary.misallocatedAfter, full.summary.misallocatedAfter, within: 1e-6))
        #expect(
            full.summary.estimatedTax <= fifo.summary.estimatedTax + tol,
            "\(file): full's tax \(full.summary.estimatedTax), fifo's \(fifo.summary.estimatedTax)")
        let m1 = Planner().plan(household, strategy: try Strategy(parsing: "m1"))
        #expect(verifier.violations(of: m1) == [], "\(file) m1")
        // cash-only is full with a constraint added: never less drift than full.
        #expect(cashOnly.summary.misallocatedAfter >= full.summary.misallocatedAfter - tol)
        // Summary figures agree with each other.
        for (name, report) in results {
            let s = report.summary
            #expect(close(s.driftAfter * household.totalInvestable, s.misallocatedAfter, within: 1e-6), "\(file) \(name)")
            #expect(close(s.turnover, report.trades.reduce(0) { $0 + $1.amount }, within: 1e-6))
            #expect(s.tax.taxWithPlan - s.tax.taxWithoutPlan == s.estimatedTax)
        }
    }
}
