import Testing

@testable import GLPKSolver
@testable import LinearProgramming

/// A branch-and-bound run that treats some integer variables as continuous
/// (``BranchAndBoundRun/continuous``), and gives them back their kind afterwards.
@Suite("Branch and bound with some integer variables relaxed")
struct ContinuousRunTests {
    /// Minimize −x − y, x and y 0/1, 2x + 2y ≤ 3. In 0/1 values x + y ≤ 1.5 allows one of them:
    /// optimum −1 (x or y). With y continuous, y ≤ 1.5 − x: x = 1, y = 0.5 gives −1.5, and x = 0
    /// at best y = 1, −1; so x = 1.
    static func model() -> (LinearModel, x: Variable, y: Variable) {
        var model = LinearModel()
        let x = model.addVariable(binary: true)
        let y = model.addVariable(binary: true)
        model.addConstraint([Term(x, 2), Term(y, 2)], upper: 3)
        model.objective = [Term(x, -1), Term(y, -1)]
        return (model, x, y)
    }

    @Test func aRelaxedVariableIsContinuousForOneRunOnly() throws {
        let (model, x, y) = Self.model()
        let session = try GLPKProblem(model)
        #expect(session.solveLP() == .optimal)
        guard case .optimal(let relaxed) = session.branchAndBound(BranchAndBoundRun(continuous: [y])) else {
            Issue.record("no optimum with y relaxed")
            return
        }
        #expect(relaxed[0] == 1, "x = 1 (y = 0.5)")
        // Both variables are 0/1 again.
        #expect(session.integerVariables == [x, y])
        #expect(session.solveLP() == .optimal)
        guard case .optimal(let whole) = session.branchAndBound(BranchAndBoundRun()) else {
            Issue.record("no optimum in 0/1 values")
            return
        }
        #expect(whole.reduce(0, +) == 1, "one of x and y: \(whole)")
        let solution = session.solve()
        #expect(solution.status == .optimal)
        #expect(abs(solution.objectiveValue + 1) < 1e-9)
    }
}
