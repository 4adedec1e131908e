import LinearProgramming
import Testing

@testable import GLPKSolver
@testable import Rebalancing

/// The first stage solved on merged lots (AggregatedDrift.swift) against the same stage solved
/// in the full model, on households large enough for the merge to apply.
@Suite struct AggregatedDriftTests {
    /// The full model's first-stage optimum, solved as every stage is (no merging).
    private func fullFirstStage(_ household: Household, _ strategy: Strategy) throws -> Solution {
        let built = RebalanceModel(household, strategy: strategy.kind)
        let optimizer = Optimizer(solver: GLPKSolver())
        let session = try optimizer.solver.makeSession(built.model)
        try session.setObjective(built.objective(built.stages[0]))
        var binaries: [Int: Variable] = [:]
        return try optimizer.solveGuarded(built, session, &binaries, previous: nil)
    }

    static let cases: [(profile: Generator.Profile, symbols: Int, lots: Int, strategy: String)] = [
        (.directIndexing, 25, 1_500, "full"), (.directIndexing, 25, 1_500, "cash-only"), (.directIndexing, 25, 1_500, "band:5"),
        (.directIndexing, 25, 1_500, "band:1"), (.standard, 30, 1_200, "full"), (.standard, 30, 1_200, "band:5"),
        (.standard, 30, 1_200, "cash-only"),
    ]

    @Test(arguments: cases)
    func mergedFirstStageIsTheFullOne(_ c: (profile: Generator.Profile, symbols: Int, lots: Int, strategy: String)) throws {
        for index in 0..<2 {
            let household = Household(Generator(symbols: c.symbols, lots: c.lots, seed: 21, profile: c.profile).household(index))
            let strategy = try Strategy(parsing: c.strategy)
            let built = RebalanceModel(household, strategy: strategy.kind)
            #expect(AggregatedDrift.applies(to: built))
            let merged = AggregatedDrift(household)
            // Lots merge per (account, symbol, taxable loss, doNotSell): every original lot once.
            #expect(merged.members.flatMap { $0 }.sorted() == Array(household.lots.indices))
            #expect(merged.household.lots.count < household.lots.count / 2)

            let optimizer = Optimizer(solver: GLPKSolver())
            let session = try optimizer.solver.makeSession(built.model)
            let fromMerged = try optimizer.aggregatedFirstStage(built, session, strategy: strategy)
            let full = try fullFirstStage(household, strategy)
            #expect(full.status.isOptimal)
            guard let fromMerged, full.status.isOptimal else {
                Issue.record("\(c) household \(index): the merged first stage gave no solution")
                continue
            }
            // The same optimum, within the stage margin.
            #expect(abs(fromMerged.objectiveValue - full.objectiveValue) <= Optimizer<GLPKSolver>.tightTolerance(household),
                    "\(c) household \(index): merged \(fromMerged.objectiveValue), full \(full.objectiveValue)")
            // And the plans made through it pass the verifier (Planner verifies in debug builds).
            let plan = Planner().plan(household, strategy: strategy)
            #expect(plan.status.isOptimal, "\(c) household \(index): \(plan.status)")
        }
    }
}

/// The same under a minimum trade on every account: merging keeps each account's sale of a
/// symbol (the sum over its lots), which is what the minimum applies to, so the merged first
/// stage is exact there too. ($1 on direct indexing, where the continuous plan's trades are
/// mostly over it; $25 on a default household.)
@Suite struct AggregatedDriftMinimumTradeTests {
    @Test(arguments: [
        (Generator.Profile.directIndexing, "full", 1.0), (.directIndexing, "band:5", 1.0), (.standard, "full", 25.0),
    ])
    func mergedFirstStageKeepsMinimumTrades(_ c: (profile: Generator.Profile, strategy: String, minTrade: Double)) throws {
        var scenario = Generator(symbols: 25, lots: 1_500, seed: 21, profile: c.profile).household(0)
        for a in scenario.accounts.indices { scenario.accounts[a].minTrade = c.minTrade }
        let household = Household(scenario)
        let strategy = try Strategy(parsing: c.strategy)
        let built = RebalanceModel(household, strategy: strategy.kind)
        #expect(AggregatedDrift.applies(to: built))
        let optimizer = Optimizer(solver: GLPKSolver())
        let session = try optimizer.solver.makeSession(built.model)
        let fromMerged = try #require(try optimizer.aggregatedFirstStage(built, session, strategy: strategy))
        // The full model's first stage, solved as every stage is (no merging).
        let fullSession = try optimizer.solver.makeSession(built.model)
        try fullSession.setObjective(built.objective(built.stages[0]))
        var binaries: [Int: Variable] = [:]
        let full = try optimizer.solveGuarded(built, fullSession, &binaries, previous: nil)
        #expect(full.status.isOptimal)
        #expect(
            abs(fromMerged.objectiveValue - full.objectiveValue) <= Optimizer<GLPKSolver>.tightTolerance(household),
            "\(c): merged \(fromMerged.objectiveValue), full \(full.objectiveValue)")
        // Its point keeps every minimum trade, and the plan made through it passes the verifier.
        #expect(built.isExecutable(fromMerged.values))
        let plan = Planner().plan(household, strategy: strategy)
        #expect(plan.status.isOptimal, "\(c): \(plan.status)")
    }
}
