import Testing

@testable import GLPKSolver
@testable import LinearProgramming

/// Invalid input must be refused in Swift with the right error: GLPK itself would `abort()` the
/// process on it, so any of these reaching GLPK would crash the test run instead of failing it.
@Suite("Validation")
struct ValidationTests {
    /// Two variables x0 ∈ [0, ∞), x1 ∈ [0, 10], one valid row x0 + x1 ≥ 1, objective x0 + x1.
    static func validModel() -> LinearModel {
        var model = LinearModel()
        let x = model.addVariable()
        let y = model.addVariable(upper: 10)
        model.addConstraint([Term(x, 1), Term(y, 1)], lower: 1)
        model.objective = [Term(x, 1), Term(y, 1)]
        return model
    }

    /// The error from validate(), from opening a GLPKProblem and from GLPKSolver.solve: all three
    /// must agree.
    static func errors(_ model: LinearModel) -> [LinearProgrammingError?] {
        [
            caught { try model.validate() },
            caught { try GLPKProblem(model) },
            caught { try GLPKSolver().solve(model) },
        ]
    }

    /// Checks that all three routes throw `expected`.
    static func expectRefused(_ model: LinearModel, _ expected: LinearProgrammingError, sourceLocation: SourceLocation = #_sourceLocation) {
        for error in errors(model) {
            #expect(error == expected, sourceLocation: sourceLocation)
        }
    }

    @Test("The valid base model passes")
    func validModelPasses() throws {
        let model = Self.validModel()
        try model.validate()
        let solution = try solve(model)
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, 1))  // x0 + x1 ≥ 1 with cost 1 each → 1
    }

    // MARK: Coefficients

    @Test("NaN coefficient in a row")
    func nanCoefficientInRow() {
        var model = Self.validModel()
        model.addConstraint([Term(Variable(index: 0), 1), Term(Variable(index: 1), .nan)], upper: 5)
        for error in Self.errors(model) {
            guard case let .nonFiniteCoefficient(row, variable, value)? = error else {
                Issue.record("expected nonFiniteCoefficient, got \(String(describing: error))")
                continue
            }
            #expect(row == 1)
            #expect(variable == 1)
            #expect(value.isNaN)
        }
    }

    @Test("Infinite coefficient in a row", arguments: [Double.infinity, -Double.infinity])
    func infiniteCoefficientInRow(value: Double) {
        var model = Self.validModel()
        model.addConstraint([Term(Variable(index: 0), value)], lower: 0)
        Self.expectRefused(model, .nonFiniteCoefficient(row: 1, variable: 0, value: value))
    }

    @Test("NaN coefficient in the objective")
    func nanCoefficientInObjective() {
        var model = Self.validModel()
        model.objective = [Term(Variable(index: 1), 2), Term(Variable(index: 0), .nan)]
        for error in Self.errors(model) {
            guard case let .nonFiniteCoefficient(row, variable, value)? = error else {
                Issue.record("expected nonFiniteCoefficient, got \(String(describing: error))")
                continue
            }
            #expect(row == nil)
            #expect(variable == 0)
            #expect(value.isNaN)
        }
    }

    @Test("Infinite coefficient in the objective", arguments: [Double.infinity, -Double.infinity])
    func infiniteCoefficientInObjective(value: Double) {
        var model = Self.validModel()
        model.objective = [Term(Variable(index: 1), value)]
        Self.expectRefused(model, .nonFiniteCoefficient(row: nil, variable: 1, value: value))
    }

    // MARK: Bounds

    @Test("NaN bound on a variable")
    func nanVariableBound() {
        for (lower, upper) in [(Double.nan, 1.0), (0.0, Double.nan)] {
            var model = Self.validModel()
            model.addVariable(lower: lower, upper: upper)
            for error in Self.errors(model) {
                guard case let .nonFiniteBound(what, _, _)? = error else {
                    Issue.record("expected nonFiniteBound, got \(String(describing: error))")
                    continue
                }
                #expect(what == "variable 2")
            }
        }
    }

    @Test("NaN bound on a row")
    func nanRowBound() {
        var model = Self.validModel()
        model.addConstraint([Term(Variable(index: 0), 1)], lower: .nan)
        for error in Self.errors(model) {
            guard case let .nonFiniteBound(what, _, _)? = error else {
                Issue.record("expected nonFiniteBound, got \(String(describing: error))")
                continue
            }
            #expect(what == "constraint 1")
        }
    }

    @Test("lower = +infinity on a variable and on a row")
    func lowerPlusInfinity() {
        var model = Self.validModel()
        model.addVariable(lower: .infinity, upper: .infinity)
        Self.expectRefused(model, .nonFiniteBound(what: "variable 2", lower: .infinity, upper: .infinity))

        var rowModel = Self.validModel()
        rowModel.addConstraint([Term(Variable(index: 0), 1)], lower: .infinity)
        Self.expectRefused(rowModel, .nonFiniteBound(what: "constraint 1", lower: .infinity, upper: .infinity))
    }

    @Test("upper = -infinity on a variable and on a row")
    func upperMinusInfinity() {
        var model = Self.validModel()
        model.addVariable(lower: -.infinity, upper: -.infinity)
        Self.expectRefused(model, .nonFiniteBound(what: "variable 2", lower: -.infinity, upper: -.infinity))

        var rowModel = Self.validModel()
        rowModel.addConstraint([Term(Variable(index: 1), 1)], upper: -.infinity)
        Self.expectRefused(rowModel, .nonFiniteBound(what: "constraint 1", lower: -.infinity, upper: -.infinity))
    }

    @Test("lower > upper on a variable and on a row")
    func invertedBounds() {
        var model = Self.validModel()
        model.addVariable(lower: 2, upper: 1)
        Self.expectRefused(model, .invertedBounds(what: "variable 2", lower: 2, upper: 1))

        var rowModel = Self.validModel()
        rowModel.addConstraint([Term(Variable(index: 0), 1)], lower: 5, upper: -5)
        Self.expectRefused(rowModel, .invertedBounds(what: "constraint 1", lower: 5, upper: -5))
    }

    @Test("Bounds that are allowed: infinite on the open side, equal, and binaries ignore given bounds")
    func allowedBounds() throws {
        var model = Self.validModel()
        model.addVariable(lower: -.infinity, upper: .infinity)
        model.addVariable(lower: -.infinity, upper: 3)
        model.addVariable(lower: 2, upper: 2)
        model.addVariable(lower: .nan, upper: -5, binary: true)  // stored as [0, 1]
        model.addConstraint([Term(Variable(index: 0), 1)], lower: -.infinity, upper: .infinity)
        try model.validate()
        #expect(try solve(model).status == .optimal)
    }

    // MARK: Indices

    @Test("Variable index out of range in a row", arguments: [99, 2, -1])
    func outOfRangeInRow(index: Int) {
        var model = Self.validModel()
        model.addConstraint([Term(Variable(index: 0), 1), Term(Variable(index: index), 1)], upper: 3)
        Self.expectRefused(model, .variableOutOfRange(index: index, count: 2))
    }

    @Test("Variable index out of range in the objective", arguments: [99, 2, -1])
    func outOfRangeInObjective(index: Int) {
        var model = Self.validModel()
        model.objective = [Term(Variable(index: index), 1)]
        Self.expectRefused(model, .variableOutOfRange(index: index, count: 2))
    }

    @Test("A model with no variables refuses any term")
    func emptyModelRefusesTerms() {
        var model = LinearModel()
        model.objective = [Term(Variable(index: 0), 1)]
        Self.expectRefused(model, .variableOutOfRange(index: 0, count: 0))
    }

    // MARK: Terms that overflow when merged

    @Test("Repeated coefficients whose sum leaves GLPK's range are refused (row)")
    func overflowingRowSum() {
        // Each term (6e19) is within the accepted range (≤ 1e20), but the merged coefficient
        // 1.2e20 is not; GLPK aborts the process on coefficients far out of range when scaling
        // (glp_set_rii: invalid scale factor). 1e308 alone is refused term by term.
        // Only construct the problem here, never solve it.
        var model = Self.validModel()
        model.addConstraint([Term(Variable(index: 0), 6e19), Term(Variable(index: 0), 6e19)], upper: 1)
        let error = caught { try GLPKProblem(model) }
        #expect(caught { try model.validate() } == nil)
        guard case let .coefficientOutOfRange(row, variable, _)? = error else {
            Issue.record("expected coefficientOutOfRange, got \(String(describing: error))")
            return
        }
        #expect(row == 1)
        #expect(variable == 0)
    }

    @Test("Repeated coefficients whose sum leaves GLPK's range are refused (objective)")
    func overflowingObjectiveSum() {
        var model = Self.validModel()
        model.objective = [Term(Variable(index: 1), -6e19), Term(Variable(index: 1), -6e19)]
        let error = caught { try GLPKProblem(model) }
        guard case let .coefficientOutOfRange(row, variable, _)? = error else {
            Issue.record("expected coefficientOutOfRange, got \(String(describing: error))")
            return
        }
        #expect(row == nil)
        #expect(variable == 1)
    }

    @Test("Finite but extreme coefficients and bounds are refused", arguments: [1e200, 1e-200, -1e25, 1e21])
    func extremeCoefficients(value: Double) {
        var model = Self.validModel()
        model.addConstraint([Term(Variable(index: 0), value)], upper: 1)
        guard case .coefficientOutOfRange? = caught({ try model.validate() }) else {
            Issue.record("coefficient \(value) was not refused")
            return
        }
        var bounded = Self.validModel()
        bounded.addConstraint([Term(Variable(index: 0), 1)], upper: abs(value) > 1 ? value : 1e30)
        guard case .boundOutOfRange? = caught({ try bounded.validate() }) else {
            Issue.record("bound was not refused")
            return
        }
    }

    // MARK: The incremental session API

    @Test("addConstraint on a session refuses bad rows and leaves the problem usable")
    func sessionAddConstraint() throws {
        let problem = try GLPKProblem(Self.validModel())
        let x = Variable(index: 0)

        #expect(caught { try problem.addConstraint(Row([Term(Variable(index: 99), 1)], upper: 1)) }
            == .variableOutOfRange(index: 99, count: 2))
        #expect(caught { try problem.addConstraint(Row([Term(Variable(index: 2), 1)], upper: 1)) }
            == .variableOutOfRange(index: 2, count: 2))
        #expect(caught { try problem.addConstraint(Row([Term(x, .infinity)], upper: 1)) }
            == .nonFiniteCoefficient(row: 1, variable: 0, value: .infinity))
        if case let .nonFiniteCoefficient(row, variable, value)? = caught({ try problem.addConstraint(Row([Term(x, .nan)])) }) {
            #expect(row == 1 && variable == 0 && value.isNaN)
        } else {
            Issue.record("NaN coefficient in addConstraint was not refused as nonFiniteCoefficient")
        }
        #expect(caught { try problem.addConstraint(Row([Term(x, 1)], lower: 3, upper: 2)) }
            == .invertedBounds(what: "constraint 1", lower: 3, upper: 2))
        #expect(caught { try problem.addConstraint(Row([Term(x, 1)], lower: .infinity)) }
            == .nonFiniteBound(what: "constraint 1", lower: .infinity, upper: .infinity))
        #expect(caught { try problem.addConstraint(Row([Term(x, 1)], upper: -.infinity)) }
            == .nonFiniteBound(what: "constraint 1", lower: -.infinity, upper: -.infinity))
        if case .nonFiniteBound? = caught({ try problem.addConstraint(Row([Term(x, 1)], upper: .nan)) }) {
        } else {
            Issue.record("NaN bound in addConstraint was not refused as nonFiniteBound")
        }

        // Nothing was added; the problem still solves: min x0 + x1 s.t. x0 + x1 ≥ 1 → 1.
        #expect(problem.constraintCount == 1)
        #expect(problem.variableCount == 2)
        let solution = problem.solve()
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, 1))
        #expect(solution.duals.count == 1)
    }

    @Test("addVariable on a session refuses bad bounds")
    func sessionAddVariable() throws {
        let problem = try GLPKProblem(Self.validModel())
        if case let .nonFiniteBound(what, _, _)? = caught({ try problem.addVariable(Column(lower: .nan)) }) {
            #expect(what == "variable 2")
        } else {
            Issue.record("NaN lower bound in addVariable was not refused as nonFiniteBound")
        }
        #expect(caught { try problem.addVariable(Column(lower: 0, upper: .nan)) } != nil)
        #expect(caught { try problem.addVariable(Column(lower: .infinity, upper: .infinity)) }
            == .nonFiniteBound(what: "variable 2", lower: .infinity, upper: .infinity))
        #expect(caught { try problem.addVariable(Column(lower: -.infinity, upper: -.infinity)) }
            == .nonFiniteBound(what: "variable 2", lower: -.infinity, upper: -.infinity))
        #expect(caught { try problem.addVariable(Column(lower: 4, upper: 3)) }
            == .invertedBounds(what: "variable 2", lower: 4, upper: 3))
        #expect(problem.variableCount == 2)

        // A valid variable after the refusals gets index 2.
        let z = try problem.addVariable(Column(lower: -1, upper: 1))
        #expect(z.index == 2)
        #expect(problem.variableCount == 3)
    }

    @Test("setObjective on a session refuses bad terms and keeps the old objective")
    func sessionSetObjective() throws {
        let problem = try GLPKProblem(Self.validModel())
        #expect(caught { try problem.setObjective([Term(Variable(index: 99), 1)]) }
            == .variableOutOfRange(index: 99, count: 2))
        #expect(caught { try problem.setObjective([Term(Variable(index: -1), 1)]) }
            == .variableOutOfRange(index: -1, count: 2))
        #expect(caught { try problem.setObjective([Term(Variable(index: 0), -.infinity)]) }
            == .nonFiniteCoefficient(row: nil, variable: 0, value: -.infinity))
        if case let .nonFiniteCoefficient(row, variable, value)? = caught({
            try problem.setObjective([Term(Variable(index: 0), 1), Term(Variable(index: 1), .nan)])
        }) {
            #expect(row == nil && variable == 1 && value.isNaN)
        } else {
            Issue.record("NaN objective coefficient was not refused as nonFiniteCoefficient")
        }
        // The original objective x0 + x1 is still in place: optimum 1.
        let solution = problem.solve()
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, 1))
    }

    @Test("Session: a term for a variable added later is accepted once the variable exists")
    func sessionIndexGrowsWithVariables() throws {
        let problem = try GLPKProblem(Self.validModel())
        let future = Variable(index: 2)
        #expect(caught { try problem.addConstraint(Row([Term(future, 1)], lower: 3)) }
            == .variableOutOfRange(index: 2, count: 2))
        let z = try problem.addVariable(Column(lower: 0, upper: 10))
        #expect(z == future)
        _ = try problem.addConstraint(Row([Term(z, 1)], lower: 3))
        try problem.setObjective([Term(Variable(index: 0), 1), Term(Variable(index: 1), 1), Term(z, 2)])
        // min x0 + x1 + 2z s.t. x0 + x1 ≥ 1, z ≥ 3 → 1 + 6 = 7.
        let solution = problem.solve()
        #expect(solution.status == .optimal)
        #expect(close(solution.objectiveValue, 7))
        #expect(close(solution[z], 3))
    }

    @Test("Session: merged row and objective sums that overflow are refused")
    func sessionOverflowingSums() throws {
        let problem = try GLPKProblem(Self.validModel())
        let x = Variable(index: 0)
        #expect(caught { try problem.addConstraint(Row([Term(x, 1e308), Term(x, 1e308)], upper: 1)) } != nil)
        #expect(caught { try problem.setObjective([Term(x, 1e308), Term(x, 1e308)]) } != nil)
        // Do not solve: an infinite coefficient reaching GLPK would abort the process.
    }
}
