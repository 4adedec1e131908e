import GLPKSolver
import LinearProgramming
import Testing

@testable import Rebalancing

/// A settled point returned without its LP solved again (WashSaleGuard.swift, `solveGuarded`):
/// where the sides the Lagrangian bound fixes hold the point's own settlement, where it is
/// within the tight margin of the raised bound, and its basis set again for the next stage.
@Suite struct SettledPointReturnTests {
    typealias GLPKOptimizer = Optimizer<GLPKSolver>

    /// Fixed and held sides cover a settlement only where they hold each of its symbols on the
    /// same side (symbol → true: buys, its loss sales held at zero).
    @Test func fixedSidesCoverASettlementOnlySideForSide() {
        #expect(GLPKOptimizer.covers([1: true, 2: false], held: [3: true], [1: true, 3: true]))
        #expect(GLPKOptimizer.covers([1: true], held: [:], [:]))
        #expect(!GLPKOptimizer.covers([1: true, 2: false], held: [3: true], [1: false]))
        #expect(!GLPKOptimizer.covers([1: true], held: [3: true], [3: false]))
        #expect(!GLPKOptimizer.covers([1: true], held: [:], [1: true, 4: true]))
    }

    /// The basis of a settled LP's optimum, read before a guard's binary and rows are added and
    /// set again after (`restore`: the new rows basic, the binary at the bound the point gives
    /// it), is optimal for the settled LP with the guard: the LP is answered from it without a
    /// simplex call, at the point's value. Without it, the same LP from where the unsettled
    /// relaxation left the basis needs GLPK (checked on the same households: the restore is
    /// what saves the call).
    @Test func aRestoredBasisIsTheSettledLPsOptimumWithTheGuardAdded() throws {
        var restored = 0, neededACall = 0
        for household in WashSaleEnumerationTests.households {
            let built = RebalanceModel(household, strategy: .full)
            let optimizer = GLPKOptimizer(solver: GLPKSolver())
            for candidate in built.guardCandidates {
                for side in [false, true] {
                    let symbol = candidate.symbol
                    func prepared() throws -> (GLPKProblem, Solution, Basis, [Int: Variable])? {
                        let session = try GLPKSolver().makeSession(built.model)
                        try session.setObjective(built.objective(.harvest))
                        try optimizer.settle([symbol: side], built, session)
                        let point = session.solveRelaxation()
                        guard point.status.isOptimal, let basis = session.basis() else { return nil }
                        // The basis moves: the relaxation without the settlement, then the guard.
                        try optimizer.release([symbol], built, session)
                        _ = session.solveRelaxation()
                        var binaries: [Int: Variable] = [:]
                        try optimizer.addGuards([symbol], built, session, &binaries)
                        try optimizer.settle([symbol: side], built, session)
                        return (session, point, basis, binaries)
                    }
                    guard let (session, point, basis, binaries) = try prepared() else { continue }
                    optimizer.restore(basis, of: point, built, session, binaries)
                    let calls = session.simplexWork.calls
                    let again = session.solveRelaxation()
                    #expect(again.status.isOptimal)
                    #expect(session.simplexWork.calls == calls, "\(household.scenario.name): the restored basis needed GLPK")
                    let tolerance = 1e-9 * max(1, abs(point.objectiveValue))
                    #expect(abs(again.objectiveValue - point.objectiveValue) <= tolerance, "\(again.objectiveValue) against \(point.objectiveValue)")
                    restored += 1
                    // The control: the same LP without the restore.
                    guard let (control, _, _, _) = try prepared() else { continue }
                    let before = control.simplexWork.calls
                    _ = control.solveRelaxation()
                    if control.simplexWork.calls > before { neededACall += 1 }
                }
            }
        }
        #expect(restored >= 20)
        #expect(neededACall > 0, "no settled LP needed a call without the restore")
    }

    /// After `settleByLagrangian` the session holds the best settlement's bounds and, where it
    /// says so (`current`), that settlement's optimal basis, read before later rounds moved it
    /// and set again: the settled LP is then answered without a simplex call, at the returned
    /// point's value. (On the enumeration tests' households under tax-aware:0.10, every tax branch.)
    @Test func theLagrangianSettlementLeavesTheBestPointsBasis() throws {
        let stage = Stage.misallocationAndTax(kappa: 0.10)
        var checked = 0, setAgain = 0
        for household in WashSaleEnumerationTests.households {
            let built = RebalanceModel(household, strategy: .taxAware(kappa: 0.10))
            guard !built.guardCandidates.isEmpty else { continue }
            let optimizer = GLPKOptimizer(solver: GLPKSolver())
            for branch in built.taxBranches {
                let objective = built.objective(stage) + branch.terms
                let session = try GLPKSolver().makeSession(built.model)
                try session.setObjective(objective)
                let relaxation = session.solveRelaxation()
                guard relaxation.status.isOptimal, !built.conflicts(in: relaxation.values, excluding: []).isEmpty else { continue }
                var settled: [Int: Bool] = [:]
                let leaning = try optimizer.settleConflicts(relaxation, &settled, built, session, [:], previous: nil, bySolving: false)
                guard leaning.status.isOptimal else { continue }
                let record = LagrangianRecord(built, objective: objective, branch: branch)
                var current = true
                let callsBefore = session.simplexWork.calls
                let best = try optimizer.settleByLagrangian(
                    relaxation, leaning, &settled, record, held: [:], built, session, [:], slack: 0, gap: 0, current: &current)
                guard best.status.isOptimal, current else { continue }
                if session.simplexWork.calls > callsBefore + 1 { setAgain += 1 }
                let calls = session.simplexWork.calls
                let again = session.solveRelaxation()
                #expect(again.status.isOptimal)
                #expect(session.simplexWork.calls == calls, "\(household.scenario.name): the best point's basis needed GLPK")
                #expect(abs(again.objectiveValue - best.objectiveValue) <= 1e-9 * max(1, abs(best.objectiveValue)))
                checked += 1
            }
        }
        #expect(checked >= 10)
        #expect(setAgain > 0, "no settlement took more than one round")
    }

    /// Generated households (`rebalance generate --households 1000 --seed 1`, by index) whose
    /// `tax-aware:0.10` plan, when written, took the returns above: the Lagrangian bound's
    /// fixed sides holding the settlement (1, 4, 52, 64, 70, 94: the first stage) and the
    /// point within the tight margin of the raised bound (25, 75, 98: the harvest stage). Each
    /// stage of `tax-aware:0.10` and `full` is within the stage margin of its optimum over every
    /// settlement of every guard candidate and every tax branch, and the plans pass the verifier.
    @Test(arguments: [1, 4, 12, 25, 52, 64, 70, 75, 94, 98])
    func plansMatchTheEnumeratedOptima(_ index: Int) throws {
        let household = Household(Generator(seed: 1).household(index))
        for strategy in [Strategy.defaultForPlan, Strategy.full] {
            let built = RebalanceModel(household, strategy: strategy.kind)
            #expect(built.guardCandidates.count <= 7)
            let reference = try #require(try WashSaleEnumerationTests.enumerate(built, household: household, budget: nil))
            let plan = Planner().plan(household, strategy: strategy)
            #expect(plan.status.isOptimal)
            #expect(PlanVerifier(household).violations(of: plan) == [])
            let summary = PlanReport(plan, household: household).summary
            let margin = GLPKOptimizer.stageTolerance(household)
            for (k, stage) in built.stages.enumerated() {
                let value = WashSaleEnumerationTests.value(of: stage, summary, household)
                #expect(abs(value - reference[k]) <= margin, "household \(index) \(strategy.name) stage \(k): \(value) against \(reference[k])")
                if abs(value - reference[k]) > margin { break }
            }
        }
    }
}
