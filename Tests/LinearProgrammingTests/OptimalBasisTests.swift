import Testing

@testable import GLPKSolver
@testable import LinearProgramming

/// A solve whose starting basis is already optimal is answered without `glp_simplex`
/// (`GLPKProblem.basisIsOptimal`): after a new objective, and for the LP that verifies branch and
/// bound's answer (started from the basis of the node that found it).
@Suite("Optimal starting bases")
struct OptimalBasisTests {
    /// min x + y with x + 2y ≥ 4 and 3x + y ≥ 6 (x, y ≥ 0): the vertices are (0, 6), (1.6, 1.2)
    /// and (4, 0).
    private func model() -> LinearModel { intersectionLP() }

    @Test("A new objective the basis is still optimal for: its values, objective and duals, without a simplex call")
    func newObjectiveAtTheSameVertex() throws {
        let session = try GLPKSolver().makeSession(model())
        let first = session.solve()
        #expect(close(first.objectiveValue, 2.8))
        #expect(close(first.values, [1.6, 1.2]))
        let calls = session.simplexWork.calls

        // min 2x + y: 6 at (0, 6), 4.4 at (1.6, 1.2), 8 at (4, 0): the same vertex. Its duals
        // (u, v) solve u + 3v = 2 and 2u + v = 1: u = 0.2, v = 0.6 (and 4u + 6v = 4.4).
        try session.setObjective([Term(Variable(index: 0), 2), Term(Variable(index: 1), 1)])
        let same = session.solve()
        #expect(same.status == .optimal)
        #expect(close(same.objectiveValue, 4.4))
        #expect(close(same.values, [1.6, 1.2]))
        #expect(close(same.duals, [0.2, 0.6]))
        #expect(session.simplexWork.calls == calls)

        // min x + 3y: 18, 5.2, 4: (4, 0) is optimal, so the simplex runs. There only the first
        // row binds: its dual is 1 (x's cost), the second's 0.
        try session.setObjective([Term(Variable(index: 0), 1), Term(Variable(index: 1), 3)])
        let moved = session.solve()
        #expect(moved.status == .optimal)
        #expect(close(moved.objectiveValue, 4))
        #expect(close(moved.values, [4, 0]))
        #expect(close(moved.duals, [1, 0]))
        #expect(session.simplexWork.calls > calls)
    }

    @Test("On random LPs, a new objective (often close to the old one, now and then with new bounds) gives the cold solve's optimum, with or without a simplex call")
    func randomNewObjectives() throws {
        var numbers = SeededNumbers(seed: 0x9E37_79B9_7F4A_7C15)
        var answeredAsIs = 0, solvedAgain = 0
        for _ in 0..<300 {
            var (model, variables) = numbers.feasibleLP(variables: 6)
            let session = try GLPKSolver().makeSession(model)
            guard session.solve().status == .optimal else { continue }
            // Half the time a small change of each cost (the vertex often stays optimal), else
            // another objective.
            let nudge = numbers.next() < 0.5
            model.objective = variables.enumerated().map { j, v in
                Term(v, nudge ? model.objective[j].coefficient + 0.2 * (numbers.next() - 0.5) : (numbers.next() * 6).rounded() - 2)
            }
            // And now and then a new upper bound (the old vertex may leave the box).
            for v in variables where numbers.next() < 0.2 {
                let upper = (numbers.next() * 10).rounded()
                model.setBounds(v, lower: 0, upper: upper)
                try session.setBounds(v, lower: 0, upper: upper)
            }
            let calls = session.simplexWork.calls
            try session.setObjective(model.objective)
            let warm = session.solve()
            let cold = try solve(model)
            #expect(warm.status == cold.status)
            guard cold.status == .optimal, warm.status == .optimal else { continue }
            #expect(close(warm.objectiveValue, cold.objectiveValue))
            #expect(satisfies(model, warm.values))
            // The objective reported is the one its values give.
            let value = model.objective.reduce(0.0) { $0 + $1.coefficient * warm.values[$1.variable.index] }
            #expect(close(warm.objectiveValue, value))
            if session.simplexWork.calls == calls { answeredAsIs += 1 } else { solvedAgain += 1 }
        }
        // Both ways were put to the test.
        #expect(answeredAsIs > 30)
        #expect(solvedAgain > 30)
    }

    @Test("Branch and bound's answer is verified from its node's basis, without a simplex call")
    func verificationFromTheNodesBasis() throws {
        // MIPTests' knapsack, worked out there: the relaxation −64/3 at (1, 1/3, 1), the integer
        // optimum −20 at {b, c}.
        let knapsack = MIPTests.knapsack(binary: true)
        let session = try GLPKSolver().makeSession(knapsack.model)
        let mip = session.solve()
        #expect(mip.status == .optimal)
        #expect(close(mip.objectiveValue, -20))
        #expect(close(mip.values, [0, 1, 1]))
        // One call: the relaxation. Branch and bound's own are not counted, and the LP with the
        // answer's values fixed starts at its optimum.
        #expect(session.simplexWork.calls == 1)
    }
}
