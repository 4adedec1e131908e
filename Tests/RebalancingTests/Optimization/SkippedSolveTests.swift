import GLPKSolver
import LinearProgramming
import Testing

@testable import Rebalancing

/// Solves the wash-sale guard's steps leave out (WashSaleGuard.swift), each checked against an
/// independent route: every way of settling every guard candidate, each solved as a plain LP
/// (the least of them is the guarded optimum by definition of the guard).
@Suite struct SkippedSolveTests {
    /// The least of `objective` over every settlement of the guard candidates (as
    /// `WashSaleEnumerationTests.enumerate` does for whole strategies).
    static func enumerated(_ built: RebalanceModel, _ model: LinearModel, _ objective: [Term]) throws -> Double? {
        var best: Double?
        for mask in 0..<(1 << built.guardCandidates.count) {
            var model = model
            for (k, candidate) in built.guardCandidates.enumerated() {
                for variable in built.settlement(candidate, allowPurchases: mask & (1 << k) != 0) {
                    model.addConstraint([Term(variable, 1)], upper: 0)
                }
            }
            model.objective = objective
            let solution = try GLPKSolver().makeSession(model).solve()
            if solution.status.isOptimal { best = min(best ?? .infinity, solution.objectiveValue) }
        }
        return best
    }

    /// When the relaxation with the guards' binaries and cuts reaches the point the settlement
    /// found before they were added, that point is returned as it is: it satisfies every guard,
    /// and the relaxation bounds the guarded optimum from below, so it is within the slack of
    /// it. (Settling the new relaxation again would only confirm it.) Such a point was solved
    /// before the binaries existed: it has fewer values than the session has columns. As in
    /// `full`, the drift stage is solved first and held at its optimum, and its plan settles the
    /// later stages' conflicts; each answer, skipped or not, must be the enumerated optimum.
    @Test func aSettledPointTheRaisedBoundReachesIsReturnedAsItIs() throws {
        var returnedAsItIs = 0
        for household in WashSaleEnumerationTests.households {
            let built = RebalanceModel(household, strategy: .full)
            let optimizer = Optimizer(solver: GLPKSolver())
            var binaries: [Int: Variable] = [:]
            let drift = try GLPKSolver().makeSession(built.model)
            try drift.setObjective(built.misallocation)
            let first = try optimizer.solveGuarded(built, drift, &binaries, previous: nil, floor: { built.separableBound(.misallocation) })
            guard first.status.isOptimal else { continue }
            var model = built.model
            model.addConstraint(built.misallocation, upper: first.objectiveValue + Optimizer<GLPKSolver>.tightTolerance(household))
            for stage in [Stage.harvest, .turnover] {
                let objective = built.objective(stage)
                let session = try GLPKSolver().makeSession(model)
                try session.setObjective(objective)
                binaries = [:]
                let solution = try optimizer.solveGuarded(built, session, &binaries, previous: first.values)
                let reference = try #require(try Self.enumerated(built, model, objective))
                #expect(solution.status.isOptimal)
                #expect(built.conflicts(in: solution.values, excluding: []).isEmpty)
                let tolerance = 1e-6 * max(1, abs(reference))
                #expect(
                    abs(solution.objectiveValue - reference) <= tolerance,
                    "\(household.scenario.name) \(stage): \(solution.objectiveValue) against \(reference)")
                if solution.values.count < session.variableCount {
                    #expect(!binaries.isEmpty)
                    returnedAsItIs += 1
                }
            }
        }
        #expect(returnedAsItIs > 0, "no stage returned its settled point as it was")
    }
}
