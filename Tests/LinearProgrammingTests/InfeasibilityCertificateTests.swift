import Testing

@testable import GLPKSolver
@testable import LinearProgramming

/// A warm dual simplex's verdict of infeasible, taken at once when the tableau row it stopped on
/// proves it (`GLPKProblem.provesInfeasible`), else confirmed from a fresh basis as before.
@Suite("Infeasibility certificates")
struct InfeasibilityCertificateTests {
    @Test("New bounds that leave no point: infeasible in one call, and feasible again once released")
    func boundsThatLeaveNoPoint() throws {
        // min x + y with x + 2y ≥ 4 and 3x + y ≥ 6: optimum 2.8 at (1.6, 1.2).
        let problem = try GLPKSolver().makeSession(intersectionLP())
        let x = Variable(index: 0), y = Variable(index: 1)
        #expect(close(problem.solve().objectiveValue, 2.8))
        let calls = problem.simplexWork.calls

        // x ≤ 1 and y ≤ 1: x + 2y ≤ 3 < 4. The dual simplex (new bounds, warm) finds no point,
        // and a row of its tableau proves it: one call, not three.
        try problem.setBounds(x, lower: 0, upper: 1)
        try problem.setBounds(y, lower: 0, upper: 1)
        #expect(problem.solve().status == .infeasible)
        #expect(problem.simplexWork.calls == calls + 1)

        // x ≤ 2, y ≤ 2 holds (1.6, 1.2) again.
        try problem.setBounds(x, lower: 0, upper: 2)
        try problem.setBounds(y, lower: 0, upper: 2)
        let again = problem.solve()
        #expect(again.status == .optimal)
        #expect(close(again.objectiveValue, 2.8))
    }

    @Test("Warm verdicts after new bounds agree with a fresh solve of the same LP, on random LPs")
    func warmVerdictsAgreeWithFreshOnes() throws {
        var numbers = SeededNumbers(seed: 0x9E37_79B9_7F4A_7C15)
        func next() -> Double { numbers.next() }
        var infeasible = 0, feasible = 0, inOneCall = 0
        for _ in 0..<300 {
            let (model, variables) = numbers.feasibleLP(variables: 4)
            let session = try GLPKSolver().makeSession(model)
            guard session.solve().status == .optimal else { continue }
            // Tighter boxes, some of them leaving no point.
            var tightened = model
            for v in variables {
                let lower = (next() * 6).rounded(), upper = lower + (next() * 5).rounded()
                try session.setBounds(v, lower: lower, upper: upper)
                tightened.setBounds(v, lower: lower, upper: upper)
            }
            let calls = session.simplexWork.calls
            let warm = session.solve()
            if warm.status == .infeasible && session.simplexWork.calls == calls + 1 { inOneCall += 1 }
            let fresh = try GLPKSolver().makeSession(tightened).solve()
            #expect(warm.status == fresh.status)
            if warm.status == .optimal && fresh.status == .optimal {
                #expect(close(warm.objectiveValue, fresh.objectiveValue))
            }
            if fresh.status == .infeasible { infeasible += 1 } else { feasible += 1 }
        }
        // Both verdicts were put to the test.
        #expect(infeasible > 20)
        #expect(feasible > 20)
        // And the certificate decided some infeasible ones at once.
        #expect(inOneCall > 10)
    }
}
