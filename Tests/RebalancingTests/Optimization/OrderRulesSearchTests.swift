import GLPKSolver
import LinearProgramming
import RebalanceTestSupport
import Testing

@testable import Rebalancing

/// Minimum trades on a direct-indexing household: the wash-sale guards decided before the order
/// rules (`guardsBeforeOrders`), and the rounded orders taken when they reach the Lagrangian bound.
/// Checked against an independent route: a plan in minimum trades is a plan of the continuous
/// model, so no stage of it can beat the continuous plan's; where the continuous plan trades
/// nothing under $1 and never both buys and sells a symbol in one account, it obeys `minTrade: 1`
/// too, and the plan in minimum trades must then match it stage by stage (within the stage margin).
@Suite struct OrderRulesSearchTests {
    /// 10 stocks and 1,000 lots: the size at which the Lagrangian bound and the merged drift stage
    /// apply. Under `band:5` its tax stage's conflicts settled by bounds miss the relaxation's
    /// bound, so guard binaries are added; under `tax-aware:0.10` the Lagrangian bound settles them.
    static let scenario = Generator(symbols: 10, lots: 1_000, seed: 1, profile: .directIndexing).household(0)

    static func withMinimumTrade(_ dollars: Double) -> Household {
        var scenario = scenario
        for a in scenario.accounts.indices { scenario.accounts[a].minTrade = dollars }
        return Household(scenario)
    }

    /// The continuous plan obeys `minTrade: 1`: no trade under $1, no symbol both bought and sold
    /// in one account.
    static func obeysMinimumTrade(_ report: PlanReport) -> Bool {
        let sides = Dictionary(grouping: report.trades) { "\($0.account) \($0.symbol)" }
        return report.trades.allSatisfy { $0.amount >= 1 } && sides.values.allSatisfy { Set($0.map(\.action)).count == 1 }
    }

    @Test(arguments: ["band:5", "tax-aware:0.10"])
    func minimumTradesMatchTheContinuousPlan(strategy: String) throws {
        let strategy = try Strategy(parsing: strategy)
        let continuous = Household(Self.scenario)
        let reference = PlanReport(Planner().plan(continuous, strategy: strategy), household: continuous)
        try #require(reference.status == .optimal)
        try #require(Self.obeysMinimumTrade(reference), "the continuous plan is no plan in minimum trades")

        let household = Self.withMinimumTrade(1)
        let log = BranchAndBoundLog()
        let plan = Optimizer(solver: RecordingGLPK(log: log)).plan(household, strategy: strategy)
        #expect(plan.status == .optimal)
        #expect(PlanVerifier(household).violations(of: plan).isEmpty)
        let report = PlanReport(plan, household: household)
        let margin = Optimizer<GLPKSolver>.stageTolerance(household)
        #expect(close(report.summary.misallocatedAfter, reference.summary.misallocatedAfter, within: 2 * margin))
        #expect(close(report.summary.estimatedTax, reference.summary.estimatedTax, within: 2 * margin))
        #expect(close(report.summary.turnover, reference.summary.turnover, within: 2 * margin))

        let relaxedRuns = log.runs.filter { !$0.run.continuous.isEmpty }
        if strategy.name == "band:5" {
            // The guards decided with the order rules relaxed (the tax stage's rounded orders
            // then reach the relaxation's bound).
            #expect(!relaxedRuns.isEmpty)
        } else {
            // The rounded orders reach the Lagrangian bound: no branch and bound at all.
            #expect(log.runs.isEmpty, "\(log.runs.count) branch-and-bound runs")
        }
    }
}
