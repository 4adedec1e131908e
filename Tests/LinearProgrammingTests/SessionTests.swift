import Testing

@testable import GLPKSolver
@testable import LinearProgramming

/// Solving, changing and solving again in one session; solver options.
@Suite("Sessions")
struct SessionTests {
    @Test("Solve, add a row, solve, change the objective, solve: each optimum is right")
    func warmResolve() throws {
        var model = LinearModel()
        let x = model.addVariable()
        let y = model.addVariable()
        model.addConstraint([Term(x, 1), Term(y, 2)], lower: 4)
        model.addConstraint([Term(x, 3), Term(y, 1)], lower: 6)
        model.objective = [Term(x, 1), Term(y, 1)]
        let problem = try GLPKSolver().makeSession(model)

        // 1. As in the intersection test: (1.6, 1.2), objective 2.8.
        let first = problem.solve()
        #expect(first.status == .optimal)
        #expect(close(first.objectiveValue, 2.8))

        // 2. Add x ≥ 2. Then 3x + y ≥ 6 holds for any y ≥ 0, and y ≥ (4 − x)/2 from the first row.
        //    Objective x + (4 − x)/2 = 2 + x/2 for x ∈ [2, 4] → x = 2, y = 1, objective 3.
        let cut = try problem.addConstraint(Row([Term(x, 1)], lower: 2))
        #expect(cut.index == 2)
        #expect(problem.constraintCount == 3)
        let second = problem.solve()
        #expect(second.status == .optimal)
        #expect(close(second.objectiveValue, 3))
        #expect(close(second[x], 2))
        #expect(close(second[y], 1))
        #expect(second.duals.count == 3)

        // 3. New objective x + 3y. Vertices of the region now: (2, 1) → 5; (4, 0) → 4
        //    (y = 0 needs x ≥ 4 from the first row); along y = 0 beyond x = 4 it only grows.
        //    Optimum 4 at (4, 0).
        try problem.setObjective([Term(x, 1), Term(y, 3)])
        let third = problem.solve()
        #expect(third.status == .optimal)
        #expect(close(third.objectiveValue, 4))
        #expect(close(third[x], 4))
        #expect(close(third[y], 0))

        // 4. Objective y alone: the old x coefficient must be gone. y = 0 is feasible (x ≥ 4), so 0.
        //    Had the old coefficient of x stayed, the optimum would be x = 4 → 4.
        try problem.setObjective([Term(y, 1)])
        let fourth = problem.solve()
        #expect(fourth.status == .optimal)
        #expect(close(fourth.objectiveValue, 0))
        #expect(close(fourth[y], 0))

        // 5. Add w ∈ [0, 10] and minimize x + 3y − w: w = 10, rest as in step 3 → 4 − 10 = −6.
        let w = try problem.addVariable(Column(lower: 0, upper: 10))
        #expect(w.index == 2)
        try problem.setObjective([Term(x, 1), Term(y, 3), Term(w, -1)])
        let fifth = problem.solve()
        #expect(fifth.status == .optimal)
        #expect(close(fifth.objectiveValue, -6))
        #expect(close(fifth[w], 10))
        #expect(fifth.values.count == 3)

        // 6. A contradicting row makes it infeasible: x + y ≤ 1 but x + 2y ≥ 4 with x ≥ 2 needs
        //    x + y ≥ 3 (y ≥ 1 at x = 2; at x ≥ 4 already x ≥ 4).
        _ = try problem.addConstraint(Row([Term(x, 1), Term(y, 1)], upper: 1))
        #expect(problem.solve().status == .infeasible)
    }

    @Test("Re-solving without changes gives the same optimum")
    func resolveUnchanged() throws {
        let (model, _, _) = DualValueTests.twoRowModel()
        let problem = try GLPKProblem(model)
        for _ in 0..<3 {
            let solution = problem.solve()
            #expect(solution.status == .optimal)
            #expect(close(solution.objectiveValue, 2.8))
            #expect(close(solution.duals, [0.4, 0.2]))
        }
    }

    @Test("From an unbounded LP to a bounded one by adding a row")
    func unboundedThenBounded() throws {
        // min −x s.t. x − y ≤ 1: unbounded. Add y ≤ 3 (a row): x ≤ 1 + y ≤ 4 → x = 4, objective −4.
        var model = LinearModel()
        let x = model.addVariable()
        let y = model.addVariable()
        model.addConstraint([Term(x, 1), Term(y, -1)], upper: 1)
        model.objective = [Term(x, -1)]
        let problem = try GLPKProblem(model)
        #expect(problem.solve().status == .unbounded)

        _ = try problem.addConstraint(Row([Term(y, 1)], upper: 3))
        let solution = problem.solve()
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, -4))
        #expect(close(solution[x], 4))
    }

    @Test("A session built from nothing, entirely through the incremental API")
    func incrementalFromEmpty() throws {
        let problem = try GLPKProblem(LinearModel())
        #expect(problem.variableCount == 0 && problem.constraintCount == 0)
        let x = try problem.addVariable(Column(lower: 0, upper: 8))
        let y = try problem.addVariable(Column(lower: -.infinity, upper: .infinity))
        let r = try problem.addConstraint(Row([Term(y, 1), Term(x, -2)], equalTo: 0))
        try problem.setObjective([Term(x, -1), Term(y, 1)])
        // y = 2x, objective −x + 2x = x → x = 0, y = 0, objective 0. Flip to −3x + y = −x: x = 8,
        // y = 16, objective −8.
        let first = problem.solve()
        #expect(first.status == .optimal)
        #expect(close(first.objectiveValue, 0))
        try problem.setObjective([Term(x, -3), Term(y, 1)])
        let second = problem.solve()
        #expect(second.status == .optimal)
        #expect(close(second.objectiveValue, -8))
        #expect(close(second[x], 8))
        #expect(close(second[y], 16))
        #expect(r.index == 0)
        // Dual of y − 2x = 0: with the row's rhs at t, y = 2x + t, objective −x + t → dual 1.
        #expect(close(second.dual(r), 1))
    }

    @Test("setBounds changes a row's right-hand side between solves")
    func setBoundsResolve() throws {
        let (model, first, second) = DualValueTests.twoRowModel()
        let problem = try GLPKProblem(model)
        #expect(close(problem.solve().objectiveValue, 2.8))

        // x + 2y ≥ 5: (1.4, 1.8), 3.2 (worked out in DualValueTests.dualMatchesPerturbation).
        try problem.setBounds(first, lower: 5, upper: .infinity)
        let raised = problem.solve()
        #expect(raised.status == .optimal)
        #expect(close(raised.objectiveValue, 3.2))
        #expect(close(raised.values, [1.4, 1.8]))

        // Row 0 free: only 3x + y ≥ 6 is left. x covers 3 per unit cost, y only 1 → x = 2, y = 0, 2.
        try problem.setBounds(first, lower: -.infinity, upper: .infinity)
        let freed = problem.solve()
        #expect(freed.status == .optimal)
        #expect(close(freed.objectiveValue, 2))
        #expect(close(freed.values, [2, 0]))
        #expect(close(freed.dual(first), 0))
        #expect(close(freed.dual(second), 1.0 / 3.0))  // one more unit of rhs costs 1/3 of an x

        // Row 1 as an equality 3x + y = 9 with row 0 back at ≥ 4: on 3x + y = 9, y = 9 − 3x,
        // objective x + 9 − 3x = 9 − 2x, so x as large as possible: y ≥ 0 → x ≤ 3; row 0 needs
        // x + 2(9 − 3x) ≥ 4 → 18 − 5x ≥ 4 → x ≤ 2.8. So x = 2.8, y = 0.6, objective 3.4.
        try problem.setBounds(first, lower: 4, upper: .infinity)
        try problem.setBounds(second, lower: 9, upper: 9)
        let equal = problem.solve()
        #expect(equal.status == .optimal)
        #expect(close(equal.objectiveValue, 3.4))
        #expect(close(equal.values, [2.8, 0.6]))

        // An upper bound below what row 0 needs: x + 2y ≤ 1 with 3x + y = 9 → y = 9 − 3x ≥ 0,
        // x + 18 − 6x ≤ 1 → x ≥ 3.4 > 3: infeasible.
        try problem.setBounds(first, lower: -.infinity, upper: 1)
        #expect(problem.solve().status == .infeasible)
        #expect(problem.constraintCount == 2)
    }

    @Test("A variable's bounds change between solves and can be given back")
    func variableBounds() throws {
        // min −x − y s.t. x + y ≤ 4, x ≤ 3 (bound), y ≤ 3 (bound): objective −4.
        var model = LinearModel()
        let x = model.addVariable(upper: 3)
        let y = model.addVariable(upper: 3)
        let z = model.addVariable(binary: true)
        model.addConstraint([Term(x, 1), Term(y, 1)], upper: 4)
        model.objective = [Term(x, -1), Term(y, -1)]
        let problem = try GLPKProblem(model)
        #expect(close(problem.solve().objectiveValue, -4))
        // Hold y at 0: only x ≤ 3 is left, objective −3.
        try problem.setBounds(y, lower: 0, upper: 0)
        let held = problem.solve()
        #expect(close(held.objectiveValue, -3))
        #expect(close(held[y], 0))
        // Give y back its bounds: −4 again.
        try problem.setBounds(y, lower: 0, upper: 3)
        #expect(close(problem.solve().objectiveValue, -4))
        // Refused: unknown variables, bad bounds, and 0/1 variables.
        #expect(caught { try problem.setBounds(Variable(index: 3), lower: 0, upper: 1) }
            == .variableOutOfRange(index: 3, count: 3))
        #expect(caught { try problem.setBounds(x, lower: 2, upper: 1) }
            == .invertedBounds(what: "variable 0", lower: 2, upper: 1))
        #expect(caught { try problem.setBounds(z, lower: 0, upper: 0) } == .binaryBounds(variable: 2))
    }

    @Test("setBounds refuses unknown rows and bad bounds, and changes nothing then")
    func setBoundsValidation() throws {
        let (model, first, _) = DualValueTests.twoRowModel()
        let problem = try GLPKProblem(model)
        #expect(caught { try problem.setBounds(ConstraintRef(index: 2), lower: 0, upper: 1) }
            == .constraintOutOfRange(index: 2, count: 2))
        #expect(caught { try problem.setBounds(ConstraintRef(index: -1), lower: 0, upper: 1) }
            == .constraintOutOfRange(index: -1, count: 2))
        #expect(caught { try problem.setBounds(ConstraintRef(index: 99), lower: .nan, upper: 1) }
            == .constraintOutOfRange(index: 99, count: 2))
        if case let .nonFiniteBound(what, _, _)? = caught({ try problem.setBounds(first, lower: .nan, upper: 1) }) {
            #expect(what == "constraint 0")
        } else {
            Issue.record("NaN bound in setBounds was not refused as nonFiniteBound")
        }
        #expect(caught { try problem.setBounds(first, lower: .infinity, upper: .infinity) }
            == .nonFiniteBound(what: "constraint 0", lower: .infinity, upper: .infinity))
        #expect(caught { try problem.setBounds(first, lower: -.infinity, upper: -.infinity) }
            == .nonFiniteBound(what: "constraint 0", lower: -.infinity, upper: -.infinity))
        #expect(caught { try problem.setBounds(first, lower: 2, upper: 1) }
            == .invertedBounds(what: "constraint 0", lower: 2, upper: 1))

        // A row added later becomes addressable.
        let third = try problem.addConstraint(Row([Term(Variable(index: 0), 1)]))
        #expect(third.index == 2)
        try problem.setBounds(third, lower: 0, upper: 100)

        // Unchanged: still 2.8.
        let solution = problem.solve()
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, 2.8))
    }

    @Test("setBounds on a MIP: the knapsack capacity changes")
    func setBoundsMIP() throws {
        let knapsack = MIPTests.knapsack(binary: true)
        let problem = try GLPKProblem(knapsack.model)
        #expect(close(problem.solve().objectiveValue, -20))  // capacity 9: {b, c}

        // Capacity 10: {a, b} (w 10) = 23 beats {b, c} = 20 and {a, c} = 17 → −23.
        try problem.setBounds(knapsack.weight, lower: -.infinity, upper: 10)
        let ten = problem.solve()
        #expect(ten.status == .optimal)
        #expect(close(ten.objectiveValue, -23))
        #expect(close(ten.values, [1, 1, 0]))

        // Capacity 3: only {c} (w 3) fits → −7.
        try problem.setBounds(knapsack.weight, lower: -.infinity, upper: 3)
        let three = problem.solve()
        #expect(three.status == .optimal)
        #expect(close(three.objectiveValue, -7))
        #expect(close(three.values, [0, 0, 1]))

        // Weight exactly 5: no subset weighs 5 (weights 4, 6, 3; pairs 10, 7, 9) → infeasible,
        // although the relaxation is feasible (e.g. a = 1, c = 1/3).
        try problem.setBounds(knapsack.weight, lower: 5, upper: 5)
        #expect(problem.solve().status == .infeasible)
    }

    @Test(
        "A time limit is accepted; a tiny problem still solves optimally",
        arguments: [nil, 60, 3600, 1e12, .greatestFiniteMagnitude, .infinity, .nan, 0, -5] as [Double?]
    )
    func timeLimit(seconds: Double?) throws {
        // nil, non-positive, infinite and NaN limits all mean "no limit"; huge ones are clamped.
        let options = SolverOptions(timeLimit: seconds)
        if let seconds, seconds.isNaN {
            #expect(options.timeLimit?.isNaN == true)  // NaN ≠ NaN, so no == here
        } else {
            #expect(options.timeLimit == seconds)
            #expect(GLPKSolver(options: options).options == options)
        }

        // LP: the intersection example, 2.8.
        let (lp, _, _) = DualValueTests.twoRowModel()
        let lpSolution = try solve(lp, options: options)
        #expect(lpSolution.status == .optimal)
        #expect(close(lpSolution.objectiveValue, 2.8))

        // MIP: the knapsack of the MIP tests, integer optimum −20.
        let mipSolution = try solve(MIPTests.knapsack(binary: true).model, options: options)
        #expect(mipSolution.status == .optimal)
        #expect(close(mipSolution.objectiveValue, -20))
    }

    @Test("The simplex work is counted: one call per solve, none for a problem unchanged since its optimum")
    func simplexWorkIsCounted() throws {
        var model = LinearModel()
        let x = model.addVariable()
        let y = model.addVariable()
        let first = model.addConstraint([Term(x, 1), Term(y, 2)], lower: 4)
        model.addConstraint([Term(x, 3), Term(y, 1)], lower: 6)
        model.objective = [Term(x, 1), Term(y, 1)]
        let problem = try GLPKSolver().makeSession(model)
        #expect(problem.simplexWork.calls == 0)
        #expect(problem.simplexWork.iterations == 0)

        // From the slack basis (x = y = 0 breaks both rows) the optimum (1.6, 1.2) has both
        // columns basic: at least two pivots, in one call.
        #expect(problem.solve().status == .optimal)
        let solved = problem.simplexWork
        #expect(solved.calls == 1)
        #expect(solved.iterations >= 2)

        // Nothing changed (a bound set to the value it has changes nothing): no call.
        #expect(close(problem.solve().objectiveValue, 2.8))
        try problem.setBounds(first, lower: 4, upper: .infinity)
        #expect(close(problem.solve().objectiveValue, 2.8))
        #expect(problem.simplexWork.calls == solved.calls)
        #expect(problem.simplexWork.iterations == solved.iterations)

        // x + 2y ≥ 8: the optimum moves to (0.8, 3.6), objective 4.4: one more call.
        try problem.setBounds(first, lower: 8, upper: .infinity)
        let moved = problem.solve()
        #expect(close(moved.objectiveValue, 4.4))
        #expect(problem.simplexWork.calls == 2)
        #expect(problem.simplexWork.iterations >= solved.iterations)
    }

    @Test("SolverOptions defaults to no time limit")
    func defaultOptions() {
        #expect(SolverOptions().timeLimit == nil)
        #expect(GLPKSolver().options == SolverOptions())
    }
}

extension Row {
    /// `terms = value`, spelled so the tests read like the model API.
    init(_ terms: [Term], equalTo value: Double) {
        self.init(terms, lower: value, upper: value)
    }
}
