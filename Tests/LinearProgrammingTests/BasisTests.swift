import Testing

@testable import GLPKSolver
@testable import LinearProgramming

/// `BasisSession`: a basis read from one session starts another session's LP of the same matrix.
@Suite("Starting bases")
struct BasisTests {
    /// min x + y with x + 2y ≥ 4 and 3x + y ≥ 6 (x, y ≥ 0): the vertices are (0, 6), (1.6, 1.2)
    /// and (4, 0), and (1.6, 1.2) is optimal, 2.8.
    private func model(objective: [Double]) -> LinearModel {
        intersectionLP(costs: (objective[0], objective[1]))
    }

    @Test("Another problem's optimal basis starts an LP of the same matrix at its optimum")
    func anotherProblemsBasis() throws {
        let first = try GLPKSolver().makeSession(model(objective: [1, 1]))
        #expect(close(first.solve().objectiveValue, 2.8))
        let basis = try #require(first.basis())
        // Both columns basic, both rows at their lower bounds.
        #expect(basis.columns == [.basic, .basic])
        #expect(basis.rows == [.atLower, .atLower])

        // min 2x + y: 6 at (0, 6), 4.4 at (1.6, 1.2), 8 at (4, 0). The same vertex: the warm
        // start is already optimal and makes no pivot; from the slack basis it takes some.
        let warm = try GLPKSolver().makeSession(model(objective: [2, 1]))
        #expect(warm.warmStart(basis))
        let solved = warm.solve()
        #expect(close(solved.objectiveValue, 4.4))
        #expect(close(solved.values, [1.6, 1.2]))
        #expect(warm.simplexWork.iterations == 0)
        let cold = try GLPKSolver().makeSession(model(objective: [2, 1]))
        #expect(close(cold.solve().objectiveValue, 4.4))
        #expect(cold.simplexWork.iterations > 0)

        // min x + 3y: 18, 5.2, 4: (4, 0) is optimal. From the other vertex the simplex moves on.
        let moved = try GLPKSolver().makeSession(model(objective: [1, 3]))
        #expect(moved.warmStart(basis))
        let there = moved.solve()
        #expect(there.status == .optimal)
        #expect(close(there.objectiveValue, 4))
        #expect(close(there.values, [4, 0]))
    }

    @Test("A basis of the wrong size or with the wrong number of basic variables is refused")
    func wrongBasesAreRefused() throws {
        let session = try GLPKSolver().makeSession(model(objective: [1, 1]))
        #expect(!session.warmStart(Basis(rows: [.basic], columns: [.atLower, .atLower])))
        #expect(!session.warmStart(Basis(rows: [.basic, .basic, .basic], columns: [.atLower, .atLower])))
        // Two rows need two basic: three, or one, is no basis.
        #expect(!session.warmStart(Basis(rows: [.basic, .basic], columns: [.basic, .atLower])))
        #expect(!session.warmStart(Basis(rows: [.atLower, .atLower], columns: [.basic, .atLower])))
        // Refused, nothing changed: the LP solves as before.
        #expect(close(session.solve().objectiveValue, 2.8))
    }

    @Test("A singular basis gives way to the slack basis: the optimum is the same")
    func singularBasis() throws {
        // min x + y with x + y ≥ 1 and 2x + 2y ≥ 2 (the same constraint twice): optimum 1.
        // x and y basic on these two rows is singular (the rows are parallel).
        var model = LinearModel()
        let x = model.addVariable(lower: 0, upper: 5)
        let y = model.addVariable(lower: 0, upper: 5)
        model.addConstraint([Term(x, 1), Term(y, 1)], lower: 1)
        model.addConstraint([Term(x, 2), Term(y, 2)], lower: 2)
        model.objective = [Term(x, 1), Term(y, 1)]
        let session = try GLPKSolver().makeSession(model)
        #expect(session.warmStart(Basis(rows: [.atLower, .atLower], columns: [.basic, .basic])))
        let solved = session.solve()
        #expect(solved.status == .optimal)
        #expect(close(solved.objectiveValue, 1))
    }

    @Test("On random LPs, an LP started from another's basis (other bounds and objective) reaches the cold optimum")
    func randomWarmStarts() throws {
        var numbers = SeededNumbers(seed: 0x2545_F491_4F6C_DD1D)
        func next() -> Double { numbers.next() }
        var compared = 0, infeasible = 0, warmIterations = 0, coldIterations = 0
        for _ in 0..<300 {
            let (model, variables) = numbers.feasibleLP(variables: 5)
            let first = try GLPKSolver().makeSession(model)
            guard first.solve().status == .optimal, let basis = first.basis() else { continue }

            // The same LP from its own optimal basis: no pivot.
            let again = try GLPKSolver().makeSession(model)
            #expect(again.warmStart(basis))
            #expect(close(again.solve().objectiveValue, first.objectiveValue()))
            #expect(again.simplexWork.iterations == 0)

            // Other bounds (some of them leaving no point) and another objective.
            var other = model
            for v in variables where next() < 0.5 {
                let lower = (next() * 4).rounded()
                other.setBounds(v, lower: lower, upper: lower + (next() * 8).rounded())
            }
            other.objective = variables.map { Term($0, (next() * 6).rounded() - 2) }
            let cold = try GLPKSolver().makeSession(other)
            let coldSolution = cold.solve()
            let warm = try GLPKSolver().makeSession(other)
            #expect(warm.warmStart(basis))
            let warmSolution = warm.solve()
            #expect(warmSolution.status == coldSolution.status)
            if coldSolution.status == .optimal && warmSolution.status == .optimal {
                #expect(close(warmSolution.objectiveValue, coldSolution.objectiveValue))
                #expect(satisfies(other, warmSolution.values))
                compared += 1
                warmIterations += warm.simplexWork.iterations
                coldIterations += cold.simplexWork.iterations
            }
            if coldSolution.status == .infeasible { infeasible += 1 }
        }
        // Both verdicts were put to the test.
        #expect(compared > 100)
        #expect(infeasible > 10)
        // And starting from a related vertex saved pivots overall.
        #expect(warmIterations < coldIterations)
    }
}
