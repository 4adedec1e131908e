import Testing

@testable import GLPKSolver
@testable import LinearProgramming
import class RebalanceTestSupport.ForwardingSession

/// The MIP safeguards are written against the protocols, so a backend that answers wrongly is
/// caught whatever it is. These sessions are GLPK with a branch and bound that lies.
@Suite("MIP safeguards against the protocol")
struct SafeguardTests {
    /// GLPK, except that branch and bound answers `verdict` (once, or every time).
    final class LyingSession: ForwardingSession {
        let verdict: BranchAndBoundOutcome
        var lies: Int
        var branchAndBoundRuns = 0
        init(_ model: LinearModel, verdict: BranchAndBoundOutcome, lies: Int) throws {
            self.verdict = verdict
            self.lies = lies
            super.init(try GLPKProblem(model))
        }
        override func branchAndBound(_ run: BranchAndBoundRun) -> BranchAndBoundOutcome {
            branchAndBoundRuns += 1
            guard lies > 0 else { return inner.branchAndBound(run) }
            lies -= 1
            return verdict
        }
    }

    // The knapsack of MIPTests: the integer optimum is {b, c} = 20 (objective −20), worked there by
    // listing every subset within the weight limit 9.

    @Test("A claimed optimum that breaks a row never comes back: three binaries are enumerated")
    func infeasibleClaimIsCaught() throws {
        // {a, b} weighs 10 > 9: fixing it makes the LP infeasible, so the claim does not verify.
        let session = try LyingSession(MIPTests.knapsack(binary: true).model, verdict: .optimal([1, 1, 0]), lies: 1)
        let solution = session.solve()
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, -20))
        #expect(close(solution.values, [0, 1, 1]))
        #expect(session.branchAndBoundRuns == 1, "three binaries: enumerated, no second branch and bound")
    }

    @Test("A feasible but worse claim still verifies: verification checks feasibility, the value is the choice's")
    func worseClaimKeepsItsOwnValue() throws {
        // {a, c} is feasible (weight 7) but worth 17: verification re-solves with it fixed and
        // returns that LP's exact values; it does not pretend the point is better than it is.
        let session = try LyingSession(MIPTests.knapsack(binary: true).model, verdict: .optimal([1, 0, 1]), lies: 1)
        let solution = session.solve()
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, -17))
        #expect(close(solution.values, [1, 0, 1]))
    }

    @Test("A false \"infeasible\" gets a second opinion", arguments: [BranchAndBoundOutcome.infeasible, .inconclusive])
    func falseInfeasibleIsOverruled(verdict: BranchAndBoundOutcome) throws {
        let session = try LyingSession(MIPTests.knapsack(binary: true).model, verdict: verdict, lies: 1)
        let solution = session.solve()
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, -20))
    }

    /// Whole numbers: minimize −x − y with 2x + 2y ≤ 7, x ≤ 3 and y ≤ 3 integers. The LP
    /// relaxation reaches x + y = 3.5; whole values reach 3 at best (x + y ≤ 3.5 and whole), for
    /// instance x = 3, y = 0.
    static func wholeNumbers() -> LinearModel {
        var model = LinearModel()
        let x = model.addVariable(upper: 3, integer: true)
        let y = model.addVariable(upper: 3, integer: true)
        model.addConstraint([Term(x, 2), Term(y, 2)], upper: 7)
        model.objective = [Term(x, -1), Term(y, -1)]
        return model
    }

    @Test("General integers: a claim that breaks a row is caught, and the second route decides")
    func generalIntegerClaimIsVerified() throws {
        // x = 3, y = 1 weighs 8 > 7: fixing it is infeasible. No enumeration for general integers:
        // the second opinion (branch and bound with presolve) answers, and its answer is verified.
        let session = try LyingSession(Self.wholeNumbers(), verdict: .optimal([3, 1]), lies: 1)
        #expect(!session.integerVariablesAreBinary)
        let solution = session.solve()
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, -3))
        #expect(session.branchAndBoundRuns == 2)
        #expect(solution.values.allSatisfy { $0 == $0.rounded() })
    }

    @Test("General integers: a false \"infeasible\" is overruled by the second route")
    func generalIntegerFalseInfeasible() throws {
        let session = try LyingSession(Self.wholeNumbers(), verdict: .infeasible, lies: 1)
        let solution = session.solve()
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, -3))
    }

    @Test("An integer variable's bounds must be whole numbers")
    func fractionalIntegerBoundIsRefused() throws {
        var model = LinearModel()
        model.addVariable(upper: 2.5, integer: true)
        #expect(throws: LinearProgrammingError.self) { try GLPKProblem(model) }
        var fine = LinearModel()
        fine.addVariable(upper: 2, integer: true)
        #expect(throws: Never.self) { try GLPKProblem(fine) }
    }

    @Test("A backend failure keeps its routine and raw code")
    func failureKeepsTheCode() throws {
        let failure = SolverFailure("the solver failed", routine: "glp_intopt", code: 0x05)
        let session = try LyingSession(MIPTests.knapsack(binary: true).model, verdict: .failure(failure), lies: 1)
        let solution = session.solve()
        #expect(solution.status == .numericalFailure(failure))
        if case .numericalFailure(let kept) = solution.status {
            #expect(kept.routine == "glp_intopt" && kept.code == 0x05)
        }
        // GLPK's own table: glp_simplex's GLP_EFAIL (0x05) is a failure that keeps both.
        #expect(GLPKRoutine.simplex.check(0x05) == .failed(GLPKError(routine: "glp_simplex", code: 0x05)))
        #expect(GLPKError(routine: "glp_simplex", code: 0x05).failure.code == 0x05)
    }
}
