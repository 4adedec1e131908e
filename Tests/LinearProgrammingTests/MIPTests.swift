import Testing

@testable import GLPKSolver
@testable import LinearProgramming

/// Mixed 0/1 programs. Each test gives the LP relaxation's optimum and the integer optimum,
/// both worked out by hand.
@Suite("Mixed 0/1 programs")
struct MIPTests {
    /// max 10a + 13b + 7c s.t. 4a + 6b + 3c ≤ 9 (minimized as −10a − 13b − 7c).
    static func knapsack(binary: Bool) -> (model: LinearModel, a: Variable, b: Variable, c: Variable, weight: ConstraintRef) {
        var model = LinearModel()
        let a = model.addVariable(upper: 1, binary: binary)
        let b = model.addVariable(upper: 1, binary: binary)
        let c = model.addVariable(upper: 1, binary: binary)
        let weight = model.addConstraint([Term(a, 4), Term(b, 6), Term(c, 3)], upper: 9)
        model.objective = [Term(a, -10), Term(b, -13), Term(c, -7)]
        return (model, a, b, c, weight)
    }

    @Test("Knapsack: LP relaxation is fractional, integer optimum differs")
    func knapsackRelaxationAndInteger() throws {
        // Value per unit of weight: a 10/4 = 2.5, c 7/3 ≈ 2.33, b 13/6 ≈ 2.17.
        // LP relaxation (greedy by ratio): a = 1 (weight 4), c = 1 (weight 7), b = 2/6 = 1/3
        //   → value 10 + 7 + 13/3 = 64/3 ≈ 21.33, minimized objective −64/3.
        // Integer: subsets within weight 9: {a} 10, {b} 13, {c} 7, {a, c} (w 7) 17, {b, c} (w 9) 20;
        //   {a, b} weighs 10, too much. Best {b, c} = 20 — not the rounded-down relaxation {a, c} = 17.
        let relaxed = Self.knapsack(binary: false)
        let lp = try solve(relaxed.model)
        #expect(lp.status == .optimal)
        #expect(close(lp.objectiveValue, -64.0 / 3.0))
        #expect(close(lp[relaxed.a], 1))
        #expect(close(lp[relaxed.b], 1.0 / 3.0))
        #expect(close(lp[relaxed.c], 1))

        let integer = Self.knapsack(binary: true)
        let mip = try solve(integer.model)
        #expect(mip.status == .optimal)
        #expect(close(mip.objectiveValue, -20))
        #expect(close(mip.values, [0, 1, 1]))
        #expect(satisfies(integer.model, mip.values))
        #expect(mip.duals.count == 1)
    }

    @Test("solveRelaxation gives the relaxation's optimum on a MIP; solve the integer one")
    func relaxationOfMIP() throws {
        // The knapsack above: relaxation −64/3 with b = 1/3, integer −20.
        let knapsack = Self.knapsack(binary: true)
        let problem = try GLPKProblem(knapsack.model)
        let relaxed = problem.solveRelaxation()
        #expect(relaxed.status == .optimal)
        #expect(close(relaxed.objectiveValue, -64.0 / 3.0))
        #expect(close(relaxed[knapsack.b], 1.0 / 3.0))
        #expect(close(problem.solve().objectiveValue, -20))
        // And the relaxation again after the MIP: the 0/1 variables were freed.
        #expect(close(problem.solveRelaxation().objectiveValue, -64.0 / 3.0))
    }

    @Test("An offered incumbent does not change the optimum, even a poor one")
    func incumbent() throws {
        // Feasible knapsack points: {a} (−10), {a, c} (−17); the optimum {b, c} is −20.
        let knapsack = Self.knapsack(binary: true)
        for point in [[1.0, 0, 0], [1, 0, 1], [0, 1, 1]] {
            let problem = try GLPKProblem(knapsack.model)
            let solution = problem.solve(incumbent: point)
            #expect(solution.status == .optimal)
            #expect(close(solution.objectiveValue, -20))
            #expect(close(solution.values, [0, 1, 1]))
        }
        // A vector of the wrong length is ignored rather than handed to GLPK.
        let problem = try GLPKProblem(knapsack.model)
        #expect(close(problem.solve(incumbent: [1]).objectiveValue, -20))
    }

    @Test("MIP duals come from the LP with the binaries fixed")
    func mipDuals() throws {
        // min 5z + x s.t. x + 10z ≥ 4 (r), z binary, x ≥ 0.
        // Relaxation: covering costs 0.5 per unit with z and 1 with x → z = 0.4, x = 0, objective 2.
        // Integer: z = 1 → 5; z = 0 → x = 4 → 4. Optimum z = 0, x = 4, objective 4.
        // With z fixed at 0 the LP is min x s.t. x ≥ 4: dual of r = 1.
        var model = LinearModel()
        let z = model.addVariable(binary: true)
        let x = model.addVariable()
        let r = model.addConstraint([Term(x, 1), Term(z, 10)], lower: 4)
        model.objective = [Term(z, 5), Term(x, 1)]

        let solution = try solve(model)
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, 4))
        #expect(close(solution[z], 0))
        #expect(close(solution[x], 4))
        #expect(close(solution.dual(r), 1))
    }

    @Test(
        "Infeasible MIP whose LP relaxation is feasible (0.4 ≤ z ≤ 0.6 as rows)",
        arguments: [1, 3, 10, 11, 12], [false, true]
    )
    func integerInfeasible(binaries: Int, oneRow: Bool) throws {
        // z0 must lie in [0.4, 0.6]: the relaxation has z0 = 0.4 (objective Σ z minimized),
        // but no 0/1 value of z0 fits. The other binaries only make the model larger
        // (more than 10 of them takes the branch-and-bound route rather than enumeration).
        // Written either as one row 0.4 ≤ z0 ≤ 0.6 or as two rows z0 ≥ 0.4 and z0 ≤ 0.6.
        for binary in [false, true] {
            var model = LinearModel()
            let z = (0..<binaries).map { _ in model.addVariable(upper: 1, binary: binary) }
            if oneRow {
                model.addConstraint([Term(z[0], 1)], lower: 0.4, upper: 0.6)
            } else {
                model.addConstraint([Term(z[0], 1)], lower: 0.4)
                model.addConstraint([Term(z[0], 1)], upper: 0.6)
            }
            model.objective = z.map { Term($0, 1) }

            let solution = try solve(model)
            if binary {
                #expect(solution.status == .infeasible, "\(binaries) binaries, one row: \(oneRow)")
            } else {
                // Relaxation: z0 = 0.4, the others 0 → objective 0.4.
                #expect(solution.status == .optimal)
                #expect(close(solution.objectiveValue, 0.4))
            }
        }
    }

    @Test("Infeasible MIP by parity with 12 binaries: Σ 2 z_i = 7")
    func parityInfeasible() throws {
        // Any 0/1 choice makes Σ 2 z_i even, never 7. The relaxation is feasible (Σ z_i = 3.5).
        var model = LinearModel()
        let z = (0..<12).map { _ in model.addVariable(binary: true) }
        model.addConstraint(z.map { Term($0, 2) }, equalTo: 7)
        model.objective = z.enumerated().map { Term($1, Double($0 + 1)) }
        #expect(try solve(model).status == .infeasible)
    }

    static let washSaleCases: [(lossBenefit: Double, z: Double, sale: Double, purchase: Double, objective: Double)] = [
        // See washSaleGuard for the arithmetic.
        (2, 0, 0, 50, -150),
        (4, 1, 60, 0, -240),
    ]

    @Test("Big-M guard (wash sale): a loss sale and a purchase never happen together", arguments: washSaleCases)
    func washSaleGuard(_ expected: (lossBenefit: Double, z: Double, sale: Double, purchase: Double, objective: Double)) throws {
        // y = amount sold at a loss, 0 ≤ y ≤ 60; x = amount bought, x ≥ 0; z binary.
        //   y ≤ 100 z        (M = 100: the sale needs z = 1)
        //   x ≤ 50 (1 − z)   (C = 50: a purchase needs z = 0), written x + 50z ≤ 50
        // maximize k·y + 3x (minimize −k·y − 3x), k = the benefit of the loss sale.
        //
        // Integer: z = 0 → y = 0, x = 50 → 150;  z = 1 → y = 60, x = 0 → 60k.
        //   k = 2: 150 vs 120 → z = 0, objective −150.   k = 4: 150 vs 240 → z = 1, objective −240.
        // Relaxation: for z ≤ 0.6, y = 100z and x = 50 − 50z → (100k − 50)z + 150, rising in z;
        //   for z ≥ 0.6, y = 60 and x = 50 − 50z, falling. So z = 0.6, y = 60, x = 20:
        //   k = 2: 120 + 60 = 180 (−180);  k = 4: 240 + 60 = 300 (−300). Both fractional and
        //   both better than the integer optimum, and both buy AND sell — exactly what the
        //   guard must forbid.
        let k = expected.lossBenefit
        for binary in [false, true] {
            var model = LinearModel()
            let y = model.addVariable(lower: 0, upper: 60)
            let x = model.addVariable()
            let z = model.addVariable(upper: 1, binary: binary)
            model.addConstraint([Term(y, 1), Term(z, -100)], upper: 0)
            model.addConstraint([Term(x, 1), Term(z, 50)], upper: 50)
            model.objective = [Term(y, -k), Term(x, -3)]

            let solution = try solve(model)
            #expect(solution.status == .optimal)
            if !binary {
                #expect(close(solution.objectiveValue, k == 2 ? -180 : -300))
                #expect(close(solution[z], 0.6))
                continue
            }
            #expect(close(solution.objectiveValue, expected.objective))
            #expect(solution[z] == expected.z)
            #expect(close(solution[y], expected.sale))
            #expect(close(solution[x], expected.purchase))
            // The logic, exactly: one of the two is zero, and each obeys its big-M row.
            #expect(solution[y] == 0 || solution[x] == 0)
            #expect(solution[y] <= 100 * solution[z])
            #expect(solution[x] <= 50 * (1 - solution[z]))
            #expect(satisfies(model, solution.values, tol: 0))
        }
    }

    @Test("Twelve binaries with a conflict row: branch and bound with more than 10 binaries")
    func twelveBinaries() throws {
        // Items 1…12, value i, weight 2 each, capacity 11 (so at most 5 whole items);
        // items 11 and 12 conflict: z11 + z12 ≤ 1.
        // Relaxation: z12 = 1 (better than 11), then 10, 9, 8, 7 and half of 6 (weight 11 used):
        //   12 + 10 + 9 + 8 + 7 + 3 = 49 → −49.
        // Integer: five items, not both 11 and 12: {12, 10, 9, 8, 7} = 46 → −46, unique.
        for binary in [false, true] {
            var model = LinearModel()
            let z = (1...12).map { _ in model.addVariable(upper: 1, binary: binary) }
            model.addConstraint(z.map { Term($0, 2) }, upper: 11)
            model.addConstraint([Term(z[10], 1), Term(z[11], 1)], upper: 1)
            model.objective = z.enumerated().map { Term($1, -Double($0 + 1)) }

            let solution = try solve(model)
            #expect(solution.status == .optimal)
            if binary {
                #expect(close(solution.objectiveValue, -46))
                let chosen = z.indices.filter { solution.values[$0] > 0.5 }.map { $0 + 1 }
                #expect(chosen == [7, 8, 9, 10, 12])
                #expect(satisfies(model, solution.values))
            } else {
                #expect(close(solution.objectiveValue, -49))
                #expect(close(solution.values[5], 0.5))
            }
        }
    }

    @Test("Re-solving a MIP after adding a row and changing the objective")
    func warmMIP() throws {
        let knapsack = Self.knapsack(binary: true)
        let (a, b, c) = (knapsack.a, knapsack.b, knapsack.c)
        let problem = try GLPKProblem(knapsack.model)
        let first = problem.solve()
        #expect(first.status == .optimal)
        #expect(close(first.objectiveValue, -20))  // {b, c}, as above

        // Forbid b and c together: b + c ≤ 1. Left: {a, c} 17, {b} 13, {a} 10, {c} 7 → 17.
        _ = try problem.addConstraint(Row([Term(b, 1), Term(c, 1)], upper: 1))
        let second = problem.solve()
        #expect(second.status == .optimal)
        #expect(close(second.objectiveValue, -17))
        #expect(close(second.values, [1, 0, 1]))

        // Count items instead (min −a − b − c): {a, c} is the only feasible pair → −2.
        try problem.setObjective([Term(a, -1), Term(b, -1), Term(c, -1)])
        let third = problem.solve()
        #expect(third.status == .optimal)
        #expect(close(third.objectiveValue, -2))
        #expect(close(third.values, [1, 0, 1]))

        // Prefer b strongly (min −a − 5b − c): {b} alone = 5 beats {a, c} = 2 → −5.
        try problem.setObjective([Term(a, -1), Term(b, -5), Term(c, -1)])
        let fourth = problem.solve()
        #expect(fourth.status == .optimal)
        #expect(close(fourth.objectiveValue, -5))
        #expect(close(fourth.values, [0, 1, 0]))
    }

    @Test("A binary added through the session turns an LP into a MIP")
    func binaryAddedToSession() throws {
        // LP first: min x s.t. x ≥ 2.5 → 2.5.
        var model = LinearModel()
        let x = model.addVariable()
        model.addConstraint([Term(x, 1)], lower: 2.5)
        model.objective = [Term(x, 1)]
        let problem = try GLPKProblem(model)
        #expect(close(problem.solve().objectiveValue, 2.5))

        // Add binary z (cost 1) and the row x + 4z ≥ 5; objective x + z.
        //   z = 0: x ≥ max(2.5, 5) = 5 → 5.    z = 1: x ≥ max(2.5, 1) = 2.5 → 3.5.
        //   Integer optimum z = 1, x = 2.5, objective 3.5.
        // Relaxation: z covers 4 units for cost 1 (cheaper than x), but x ≥ 2.5 anyway, so
        //   z = (5 − 2.5)/4 = 0.625, x = 2.5 → 3.125 — fractional.
        let z = try problem.addVariable(Column(isBinary: true))
        #expect(z.index == 1)
        _ = try problem.addConstraint(Row([Term(x, 1), Term(z, 4)], lower: 5))
        try problem.setObjective([Term(x, 1), Term(z, 1)])
        let solution = problem.solve()
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, 3.5))
        #expect(close(solution[z], 1))
        #expect(close(solution[x], 2.5))

        // A binary column ignores the bounds it is given (here [0, 7]) and stays 0/1:
        // with cost −1, w = 1 and the objective is 3.5 − 1 = 2.5.
        let w = try problem.addVariable(Column(lower: 0, upper: 7, isBinary: true))
        try problem.setObjective([Term(x, 1), Term(z, 1), Term(w, -1)])
        let third = problem.solve()
        #expect(third.status == .optimal)
        #expect(close(third.objectiveValue, 2.5))
        #expect(close(third[w], 1))
    }

    @Test("A MIP whose relaxation is unbounded and which has integer solutions is unbounded")
    func unboundedMIP() throws {
        // x free, z binary: min x − z. Any z, x → −∞.
        var model = LinearModel()
        let x = model.addVariable(lower: -.infinity)
        let z = model.addVariable(binary: true)
        model.objective = [Term(x, 1), Term(z, -1)]
        #expect(try solve(model).status == .unbounded)
    }

    @Test("A MIP with no 0/1 solution is infeasible even when its relaxation is unbounded")
    func integerInfeasibleWithUnboundedRelaxation() throws {
        // 0.4 ≤ z ≤ 0.6 leaves no 0/1 value for z, so no solution at all exists;
        // the free x with objective x makes only the relaxation unbounded.
        var model = LinearModel()
        let x = model.addVariable(lower: -.infinity)
        let z = model.addVariable(binary: true)
        model.addConstraint([Term(z, 1)], lower: 0.4, upper: 0.6)
        model.objective = [Term(x, 1)]
        let status = try solve(model).status
        #expect(status == .infeasible, "got \(status.name): \(status)")
    }
}
