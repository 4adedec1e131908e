import Testing

@testable import GLPKSolver
@testable import LinearProgramming

/// Small LPs whose optima are worked out by hand in the comments.
@Suite("Small linear programs")
struct LinearProgramTests {
    @Test("min x + y over x + 2y ≥ 4, 3x + y ≥ 6: optimum at the intersection of the two rows")
    func intersectionOfTwoRows() throws {
        // Vertices of the feasible region (x, y ≥ 0):
        //   (0, 6): only 3x + y ≥ 6 binds on the y axis → objective 6
        //   (4, 0): only x + 2y ≥ 4 binds on the x axis → objective 4
        //   intersection: y = 6 − 3x into x + 2y = 4 → x + 12 − 6x = 4 → x = 8/5 = 1.6,
        //                 y = 6 − 4.8 = 1.2 → objective 2.8
        // The minimum is 2.8 at (1.6, 1.2).
        var model = LinearModel()
        let x = model.addVariable()
        let y = model.addVariable()
        model.addConstraint([Term(x, 1), Term(y, 2)], lower: 4)
        model.addConstraint([Term(x, 3), Term(y, 1)], lower: 6)
        model.objective = [Term(x, 1), Term(y, 1)]

        let solution = try solve(model)
        #expect(solution.status == .optimal)
        #expect(solution.status.isOptimal)
        #expect(close(solution.objectiveValue, 2.8))
        #expect(close(solution[x], 1.6))
        #expect(close(solution[y], 1.2))
        #expect(solution.values.count == 2)
        #expect(solution.duals.count == 2)
        #expect(satisfies(model, solution.values))
    }

    @Test("Maximization written as minimizing the negated objective")
    func maximizeByNegating() throws {
        // max 3x + 2y s.t. x + y ≤ 4, x + 3y ≤ 6, x ≤ 3, x, y ≥ 0.
        // Vertices: (0,0)=0, (3,0)=9, (3,1)=11 [x=3 and x+y=4], (3,1) also satisfies 3+3=6 ≤ 6,
        //           (0,2)=4, x+y=4 ∩ x+3y=6 → 2y=2, y=1, x=3 (same point).
        // Maximum 11 at (3, 1), so the minimized objective −3x − 2y is −11.
        var model = LinearModel()
        let x = model.addVariable(upper: 3)
        let y = model.addVariable()
        model.addConstraint([Term(x, 1), Term(y, 1)], upper: 4)
        model.addConstraint([Term(x, 1), Term(y, 3)], upper: 6)
        model.objective = [Term(x, -3), Term(y, -2)]

        let solution = try solve(model)
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, -11))
        #expect(close(solution[x], 3))
        #expect(close(solution[y], 1))
    }

    @Test("Equality-constrained problem")
    func equalityConstraints() throws {
        // min x + 2y + 3z s.t. x + y + z = 6, x − y = 2, x, y, z ≥ 0.
        // From the equalities: x = y + 2 and z = 6 − x − y = 4 − 2y; z ≥ 0 needs y ≤ 2.
        // Objective = (y + 2) + 2y + 3(4 − 2y) = 14 − 3y, decreasing in y → y = 2.
        // Optimum: x = 4, y = 2, z = 0, objective 4 + 4 + 0 = 8.
        var model = LinearModel()
        let x = model.addVariable()
        let y = model.addVariable()
        let z = model.addVariable()
        let sum = model.addConstraint([Term(x, 1), Term(y, 1), Term(z, 1)], equalTo: 6)
        let difference = model.addConstraint([Term(x, 1), Term(y, -1)], equalTo: 2)
        model.objective = [Term(x, 1), Term(y, 2), Term(z, 3)]

        #expect(model.rows[sum.index].lower == 6 && model.rows[sum.index].upper == 6)
        #expect(model.rows[difference.index].lower == 2 && model.rows[difference.index].upper == 2)

        let solution = try solve(model)
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, 8))
        #expect(close(solution.values, [4, 2, 0]))
        #expect(close(LinearModel.evaluate(model.rows[sum.index].terms, at: solution.values), 6))
        #expect(close(LinearModel.evaluate(model.rows[difference.index].terms, at: solution.values), 2))
    }

    @Test("Free variables take negative values")
    func freeVariables() throws {
        // x, y free. min x + 2y s.t. x + y ≥ −3, x − y ≤ 1.
        // Write the objective as a non-negative combination of the rows:
        //   x + 2y = 1.5(x + y) − 0.5(x − y) ≥ 1.5(−3) − 0.5(1) = −5.
        // Equality holds when both rows bind: x + y = −3, x − y = 1 → x = −1, y = −2.
        // Optimum −1 + 2(−2) = −5.
        var model = LinearModel()
        let x = model.addVariable(lower: -.infinity)
        let y = model.addVariable(lower: -.infinity)
        model.addConstraint([Term(x, 1), Term(y, 1)], lower: -3)
        model.addConstraint([Term(x, 1), Term(y, -1)], upper: 1)
        model.objective = [Term(x, 1), Term(y, 2)]

        let solution = try solve(model)
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, -5))
        #expect(close(solution[x], -1))
        #expect(close(solution[y], -2))
    }

    @Test("A free variable bounded only above by a row")
    func freeVariableWithOneSidedRow() throws {
        // x free, min −x s.t. x ≤ −7 → x = −7, objective 7.
        var model = LinearModel()
        let x = model.addVariable(lower: -.infinity, upper: .infinity)
        model.addConstraint([Term(x, 1)], upper: -7)
        model.objective = [Term(x, -1)]

        let solution = try solve(model)
        #expect(solution.status == .optimal)
        #expect(close(solution[x], -7))
        #expect(close(solution.objectiveValue, 7))
    }

    @Test(
        "Fixed variable (lower == upper)",
        arguments: [
            // x fixed at v, y ≥ 0, min y − x s.t. x + y ≥ 5 → y = max(0, 5 − v), objective y − v.
            (fixed: -2.0, y: 7.0, objective: 9.0),  // y = 5 + 2 = 7, 7 − (−2) = 9
            (fixed: 0.0, y: 5.0, objective: 5.0),  // y = 5, 5 − 0 = 5
            (fixed: 3.0, y: 2.0, objective: -1.0),  // y = 2, 2 − 3 = −1
            (fixed: 7.5, y: 0.0, objective: -7.5),  // row already satisfied, y = 0, 0 − 7.5
        ]
    )
    func fixedVariable(fixed: Double, y expectedY: Double, objective: Double) throws {
        var model = LinearModel()
        let x = model.addVariable(lower: fixed, upper: fixed)
        let y = model.addVariable()
        model.addConstraint([Term(x, 1), Term(y, 1)], lower: 5)
        // The objective pushes x up (−x), so a non-fixed x would run away: only the fixing holds it.
        model.objective = [Term(y, 1), Term(x, -1)]

        let solution = try solve(model)
        #expect(solution.status == .optimal)
        #expect(close(solution[x], fixed))
        #expect(close(solution[y], expectedY))
        #expect(close(solution.objectiveValue, objective))
    }

    @Test(
        "Duplicate terms in a row are summed: x + x ≤ 4 means 2x ≤ 4",
        arguments: [
            [1.0, 1.0],  // x + x = 2x
            [3.0, -1.0],  // 3x − x = 2x
            [0.5, 0.5, 0.5, 0.5],  // four halves = 2x
            [1.0, 0.0, 1.0],  // a zero term in between changes nothing
        ]
    )
    func duplicateTermsAreSummed(coefficients: [Double]) throws {
        // min −x s.t. (Σ coefficients)·x = 2x ≤ 4, 0 ≤ x ≤ 10 → x = 2, objective −2.
        // (If only the first or the last term were kept, x would be 4, 4/3, 8 or 4.)
        var model = LinearModel()
        let x = model.addVariable(upper: 10)
        model.addConstraint(coefficients.map { Term(x, $0) }, upper: 4)
        model.objective = [Term(x, -1)]

        let solution = try solve(model)
        #expect(solution.status == .optimal)
        #expect(close(solution[x], 2))
        #expect(close(solution.objectiveValue, -2))
    }

    @Test("Duplicate terms across several variables and in the objective")
    func duplicateTermsMixed() throws {
        // Row: x + y + 2x = 3x + y ≥ 9. Objective: x + x + y + 0·y = 2x + y.
        // Candidates on 3x + y = 9 (x, y ≥ 0): (3, 0) → 6, (0, 9) → 9; the objective is linear
        // along the segment, so the minimum is 6 at x = 3, y = 0.
        var model = LinearModel()
        let x = model.addVariable()
        let y = model.addVariable()
        model.addConstraint([Term(x, 1), Term(y, 1), Term(x, 2)], lower: 9)
        model.objective = [Term(x, 1), Term(x, 1), Term(y, 1), Term(y, 0)]

        let solution = try solve(model)
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, 6))
        #expect(close(solution[x], 3))
        #expect(close(solution[y], 0))
    }

    @Test("Zero coefficients are dropped")
    func zeroCoefficientsDropped() throws {
        // Row: 0·x + y + 0·x ≥ 2, i.e. y ≥ 2. Objective: 0·z + x + y.
        // x appears only with zero coefficients in the row, so x = 0; y = 2; objective 2.
        // z has no non-zero coefficient anywhere: any value in its bounds [1, 4] is optimal.
        var model = LinearModel()
        let x = model.addVariable()
        let y = model.addVariable()
        let z = model.addVariable(lower: 1, upper: 4)
        model.addConstraint([Term(x, 0), Term(y, 1), Term(x, 0)], lower: 2)
        model.objective = [Term(z, 0), Term(x, 1), Term(y, 1)]

        let solution = try solve(model)
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, 2))
        #expect(close(solution[x], 0))
        #expect(close(solution[y], 2))
        #expect(solution[z] >= 1 - tolerance && solution[z] <= 4 + tolerance)
    }

    @Test("A row whose terms cancel out is an empty row: 0 ≤ 1 holds")
    func cancellingRowSatisfied() throws {
        // x − x ≤ 1 is 0 ≤ 1: no restriction. min −x with x ≤ 5 → x = 5, objective −5.
        var model = LinearModel()
        let x = model.addVariable(upper: 5)
        model.addConstraint([Term(x, 1), Term(x, -1)], upper: 1)
        model.objective = [Term(x, -1)]

        let solution = try solve(model)
        #expect(solution.status == .optimal)
        #expect(close(solution[x], 5))
        #expect(close(solution.objectiveValue, -5))
    }

    @Test("merged() sums repeats, sorts by variable and drops zeros")
    func mergedHelper() {
        let x = Variable(index: 0), y = Variable(index: 1), z = Variable(index: 2)
        let merged = LinearModel.merged([
            Term(z, 2), Term(x, 1), Term(y, 0), Term(x, 1), Term(z, -2), Term(y, 0.5),
        ])
        // x: 1 + 1 = 2; y: 0 + 0.5 = 0.5; z: 2 − 2 = 0 → dropped.
        #expect(merged == [Term(x, 2), Term(y, 0.5)])
        #expect(LinearModel.merged([]) == [])
        #expect(LinearModel.merged([Term(x, 0)]) == [])
    }

    @Test("A model with no variables and no rows solves to objective 0")
    func emptyModel() throws {
        let solution = try solve(LinearModel())
        #expect(solution.status == .optimal)
        #expect(solution.objectiveValue == 0)
        #expect(solution.values.isEmpty)
        #expect(solution.duals.isEmpty)
    }

    @Test("Variables without rows sit at the bound the objective prefers")
    func boundsOnly() throws {
        // min 2a − 3b + 0c with a ∈ [1, 5], b ∈ [−2, 4], c ∈ [0, 0] → a = 1, b = 4, c = 0.
        // Objective 2 − 12 = −10.
        var model = LinearModel()
        let a = model.addVariable(lower: 1, upper: 5)
        let b = model.addVariable(lower: -2, upper: 4)
        let c = model.addVariable(lower: 0, upper: 0)
        model.objective = [Term(a, 2), Term(b, -3)]

        let solution = try solve(model)
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, -10))
        #expect(close(solution[a], 1))
        #expect(close(solution[b], 4))
        #expect(solution[c] == 0)
    }

    @Test("LinearModel builder: handles, binaries forced to [0, 1], evaluate")
    func modelBuilder() {
        var model = LinearModel()
        let a = model.addVariable(lower: -1, upper: 2)
        let b = model.addVariable(lower: 5, upper: 7, binary: true)
        let c = model.addVariable()
        #expect([a.index, b.index, c.index] == [0, 1, 2])
        #expect(model.variableCount == 3)
        #expect(model.columns[1] == Column(lower: 0, upper: 1, isBinary: true))
        #expect(model.columns[2] == Column(lower: 0, upper: .infinity, isBinary: false))

        let r0 = model.addConstraint([Term(a, 1)])
        let r1 = model.addConstraint([Term(b, 1)], equalTo: 1)
        #expect([r0.index, r1.index] == [0, 1])
        #expect(model.constraintCount == 2)
        #expect(model.rows[0].lower == -.infinity && model.rows[0].upper == .infinity)

        // 2·3 − 1·4 + 0.5·10 = 6 − 4 + 5 = 7
        #expect(LinearModel.evaluate([Term(a, 2), Term(b, -1), Term(c, 0.5)], at: [3, 4, 10]) == 7)
        #expect(LinearModel.evaluate([], at: [1, 2, 3]) == 0)
        #expect((try? model.validate()) != nil)
    }
}
