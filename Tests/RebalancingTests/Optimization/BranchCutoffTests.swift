import GLPKSolver
import LinearProgramming
import Testing

@testable import Rebalancing

/// A tax branch solved after another stops once its relaxation is above `Optimizer.cutoff`: it
/// could neither win the stage nor stay among the branches later stages solve.
@Suite struct BranchCutoffTests {
    typealias Optimizer = Rebalancing.Optimizer<GLPKSolver>

    static func outcome(_ value: Double, bound: Double? = nil, status: TerminationStatus = .optimal) -> Outcome {
        Outcome(branch: 1, solution: Solution(status: status, objectiveValue: value), value: value, bound: bound ?? value)
    }

    /// Worked by hand with tight margin 0.5 and stage margin 2: nothing solved, or nothing
    /// optimal, leaves no cutoff; a branch at its optimum 10 stays within 10.5, so another branch
    /// above 10.5 neither wins nor stays; one that stopped within the gap at 10 above its bound 9
    /// is held at 9 + 2 = 11 by the later stages, and a branch stays where its bound is at most 11.
    @Test func theCutoffIsWhereAnotherBranchCouldNeitherWinNorStay() {
        #expect(Optimizer.cutoff([], tight: 0.5, stage: 2) == .infinity)
        #expect(Optimizer.cutoff([Self.outcome(0, status: .infeasible)], tight: 0.5, stage: 2) == .infinity)
        #expect(Optimizer.cutoff([Self.outcome(10)], tight: 0.5, stage: 2) == 10.5)
        #expect(Optimizer.cutoff([Self.outcome(10, bound: 9)], tight: 0.5, stage: 2) == 11)
        // (A bound within the tight margin of the value is the optimum: no hold below it.)
        #expect(Optimizer.cutoff([Self.outcome(10, bound: 9.75)], tight: 0.5, stage: 2) == 10.5)
        #expect(Optimizer.cutoff([Self.outcome(12), Self.outcome(10), Self.outcome(0, status: .infeasible)], tight: 0.5, stage: 2) == 10.5)
    }
}
