import Testing

@testable import GLPKSolver
@testable import LinearProgramming

/// Row duals, worked out by hand. Convention (GLPK, minimization): the dual of a row is
/// d(optimal objective) / d(right-hand side), so a binding ≥ row has a dual ≥ 0, a binding ≤ row
/// a dual ≤ 0, and a row that does not bind a dual of 0.
@Suite("Dual values")
struct DualValueTests {
    /// min x + y s.t. x + 2y ≥ rhs, 3x + y ≥ 6, x, y ≥ 0.
    static func twoRowModel(firstRHS: Double = 4) -> (LinearModel, ConstraintRef, ConstraintRef) {
        var model = LinearModel()
        let x = model.addVariable()
        let y = model.addVariable()
        let first = model.addConstraint([Term(x, 1), Term(y, 2)], lower: firstRHS)
        let second = model.addConstraint([Term(x, 3), Term(y, 1)], lower: 6)
        model.objective = [Term(x, 1), Term(y, 1)]
        return (model, first, second)
    }

    @Test("Duals of two binding ≥ rows")
    func twoBindingRows() throws {
        // Optimum (1.6, 1.2), both x and y basic, both rows binding. The duals (u, v) solve
        //   x column: u + 3v = 1
        //   y column: 2u + v = 1
        // → v = 1 − 2u → u + 3 − 6u = 1 → u = 0.4, v = 0.2. Both ≥ 0 (dual feasible).
        // Check (strong duality): 4u + 6v = 1.6 + 1.2 = 2.8 = the primal optimum.
        let (model, first, second) = Self.twoRowModel()
        let solution = try solve(model)
        #expect(solution.status == .optimal)
        #expect(close(solution.dual(first), 0.4))
        #expect(close(solution.dual(second), 0.2))
        #expect(close(solution.duals, [0.4, 0.2]))
    }

    @Test("Dual = change of the optimum per unit of right-hand side")
    func dualMatchesPerturbation() throws {
        // With x + 2y ≥ 5 instead of 4: y = 6 − 3x into x + 2y = 5 → x + 12 − 6x = 5 → x = 1.4,
        // y = 1.8, optimum 3.2 = 2.8 + 1 × 0.4, the dual of the first row.
        let (model, first, _) = Self.twoRowModel(firstRHS: 5)
        let solution = try solve(model)
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, 3.2))
        #expect(close(solution.dual(first), 0.4))
    }

    @Test("Signs: binding ≥ row positive, binding ≤ row negative, slack row zero")
    func dualSigns() throws {
        // min 2x + 3y s.t. x + y ≥ 10 (a), x ≤ 4 (b, as a row), x + y ≤ 100 (c), x, y ≥ 0.
        // x is cheaper, so take as much x as (b) allows: x = 4, y = 6, objective 8 + 18 = 26.
        // Duals: x and y basic →  y column: a = 3;  x column: a + b = 2 → b = −1;  c slack → 0.
        // Check: 10·3 + 4·(−1) + 100·0 = 26. Intuition: raising (a) to 11 costs one more y (+3);
        // raising (b) to 5 swaps one y for one x (−3 + 2 = −1).
        var model = LinearModel()
        let x = model.addVariable()
        let y = model.addVariable()
        let a = model.addConstraint([Term(x, 1), Term(y, 1)], lower: 10)
        let b = model.addConstraint([Term(x, 1)], upper: 4)
        let c = model.addConstraint([Term(x, 1), Term(y, 1)], upper: 100)
        model.objective = [Term(x, 2), Term(y, 3)]

        let solution = try solve(model)
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, 26))
        #expect(close(solution[x], 4))
        #expect(close(solution[y], 6))
        #expect(close(solution.dual(a), 3))
        #expect(close(solution.dual(b), -1))
        #expect(close(solution.dual(c), 0))
    }

    @Test("Duals of equality rows")
    func equalityDuals() throws {
        // min x + 2y + 3z s.t. x + y + z = 6 (u), x − y = 2 (v): optimum x = 4, y = 2, z = 0.
        // x, y basic:  x column: u + v = 1;  y column: u − v = 2  → u = 1.5, v = −0.5.
        // Reduced cost of z: 3 − u = 1.5 ≥ 0, so the basis is optimal.
        // Check: 6·1.5 + 2·(−0.5) = 9 − 1 = 8 = the optimum.
        var model = LinearModel()
        let x = model.addVariable()
        let y = model.addVariable()
        let z = model.addVariable()
        let sum = model.addConstraint([Term(x, 1), Term(y, 1), Term(z, 1)], equalTo: 6)
        let difference = model.addConstraint([Term(x, 1), Term(y, -1)], equalTo: 2)
        model.objective = [Term(x, 1), Term(y, 2), Term(z, 3)]

        let solution = try solve(model)
        #expect(solution.status == .optimal)
        #expect(close(solution.dual(sum), 1.5))
        #expect(close(solution.dual(difference), -0.5))
    }

    @Test("Duals with free variables")
    func freeVariableDuals() throws {
        // x, y free: min x + 2y s.t. x + y ≥ −3 (p), x − y ≤ 1 (q). Optimum (−1, −2) = −5.
        // x + 2y = 1.5(x + y) − 0.5(x − y), so p = 1.5 and q = −0.5.
        // Check: −3·1.5 + 1·(−0.5) = −5.
        var model = LinearModel()
        let x = model.addVariable(lower: -.infinity)
        let y = model.addVariable(lower: -.infinity)
        let p = model.addConstraint([Term(x, 1), Term(y, 1)], lower: -3)
        let q = model.addConstraint([Term(x, 1), Term(y, -1)], upper: 1)
        model.objective = [Term(x, 1), Term(y, 2)]

        let solution = try solve(model)
        #expect(solution.status == .optimal)
        #expect(close(solution.dual(p), 1.5))
        #expect(close(solution.dual(q), -0.5))
    }
}
