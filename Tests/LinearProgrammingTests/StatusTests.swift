import Testing

@testable import GLPKSolver
@testable import LinearProgramming

/// Infeasible and unbounded LPs, and the readable texts of statuses, errors and GLPK codes.
@Suite("Statuses")
struct StatusTests {
    enum Case: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case contradictoryRows, rowAgainstBound, contradictoryEqualities, cancelledRow, infeasibleWithImprovingRay
        case rayAlongRow, freeVariableNoRows, rayAlongEquality

        var testDescription: String { rawValue }

        var model: LinearModel {
            var model = LinearModel()
            switch self {
            case .contradictoryRows:
                // x + y ≤ 1 and x + y ≥ 3 cannot both hold.
                let x = model.addVariable(), y = model.addVariable()
                model.addConstraint([Term(x, 1), Term(y, 1)], upper: 1)
                model.addConstraint([Term(x, 1), Term(y, 1)], lower: 3)
                model.objective = [Term(x, 1), Term(y, 1)]
            case .rowAgainstBound:
                // 0 ≤ x ≤ 1 but x ≥ 2.
                let x = model.addVariable(upper: 1)
                model.addConstraint([Term(x, 1)], lower: 2)
                model.objective = [Term(x, 1)]
            case .contradictoryEqualities:
                // x + y = 1 and x + y = 2, both free. (Its dual is infeasible too: the x and y
                // columns need u + v = 1 and u + v = 0. "Unbounded" would still be wrong: no
                // point satisfies the rows, so nothing can be improved without limit.)
                let x = model.addVariable(lower: -.infinity), y = model.addVariable(lower: -.infinity)
                model.addConstraint([Term(x, 1), Term(y, 1)], equalTo: 1)
                model.addConstraint([Term(x, 1), Term(y, 1)], equalTo: 2)
                model.objective = [Term(x, 1)]
            case .infeasibleWithImprovingRay:
                // x − y ≥ 1 and x − y ≤ 0 cannot both hold. (The direction (1, 1) keeps x − y and
                // lowers −x − y, so the dual is infeasible too; still no point satisfies the rows.)
                let x = model.addVariable(), y = model.addVariable()
                model.addConstraint([Term(x, 1), Term(y, -1)], lower: 1)
                model.addConstraint([Term(x, 1), Term(y, -1)], upper: 0)
                model.objective = [Term(x, -1), Term(y, -1)]
            case .cancelledRow:
                // x − x ≥ 1 is 0 ≥ 1.
                let x = model.addVariable()
                model.addConstraint([Term(x, 1), Term(x, -1)], lower: 1)
                model.objective = [Term(x, 1)]
            case .rayAlongRow:
                // min −x s.t. x − y ≤ 1, x, y ≥ 0: (1 + t, t) is feasible for all t ≥ 0, objective −1 − t.
                let x = model.addVariable(), y = model.addVariable()
                model.addConstraint([Term(x, 1), Term(y, -1)], upper: 1)
                model.objective = [Term(x, -1)]
            case .freeVariableNoRows:
                // min x with x free and nothing else.
                let x = model.addVariable(lower: -.infinity)
                model.objective = [Term(x, 1)]
            case .rayAlongEquality:
                // min −x − y s.t. x − y = 0: (t, t) gives −2t.
                let x = model.addVariable(), y = model.addVariable()
                model.addConstraint([Term(x, 1), Term(y, -1)], equalTo: 0)
                model.objective = [Term(x, -1), Term(y, -1)]
            }
            return model
        }

        var expected: TerminationStatus {
            switch self {
            case .contradictoryRows, .rowAgainstBound, .contradictoryEqualities, .cancelledRow,
                .infeasibleWithImprovingRay:
                .infeasible
            case .rayAlongRow, .freeVariableNoRows, .rayAlongEquality: .unbounded
            }
        }
    }

    @Test("Infeasible and unbounded LPs are reported, not crashed on", arguments: Case.allCases)
    func infeasibleOrUnbounded(_ testCase: Case) throws {
        let solution = try solve(testCase.model)
        #expect(solution.status == testCase.expected)
        #expect(!solution.status.isOptimal)
    }

    @Test("An infeasible LP stays infeasible when solved twice in one session")
    func infeasibleTwice() throws {
        let problem = try GLPKProblem(Case.contradictoryRows.model)
        #expect(problem.solve().status == .infeasible)
        #expect(problem.solve().status == .infeasible)
    }

    static let allStatuses: [TerminationStatus] = [
        .optimal, .infeasible, .unbounded, .timeLimit(feasible: true), .timeLimit(feasible: false),
        .iterationLimit, .numericalFailure("the basis matrix is singular"),
    ]

    @Test("Every status has a readable, non-empty sentence", arguments: allStatuses)
    func statusDescription(_ status: TerminationStatus) {
        let text = status.description
        #expect(!text.isEmpty)
        #expect(text.contains(" "), "a sentence has more than one word: \(text)")
        #expect(text.first?.isLetter == true)
        #expect(text != status.name)
        #expect("\(status)" == text)
    }

    @Test("The two time-limit sentences differ, and a failure includes its reason")
    func statusDetails() {
        #expect(TerminationStatus.timeLimit(feasible: true).description != TerminationStatus.timeLimit(feasible: false).description)
        #expect(TerminationStatus.numericalFailure("because of X").description.contains("because of X"))
        #expect(TerminationStatus.optimal.isOptimal)
        #expect(!TerminationStatus.timeLimit(feasible: true).isOptimal)
    }

    @Test("Status names are distinct, machine-readable and not empty")
    func statusNames() {
        // One representative per case (both time-limit values share a name by design).
        let representatives: [TerminationStatus] = [
            .optimal, .infeasible, .unbounded, .timeLimit(feasible: true), .iterationLimit, .numericalFailure("x"),
        ]
        let names = representatives.map(\.name)
        #expect(Set(names).count == representatives.count)
        for name in names {
            #expect(!name.isEmpty)
            #expect(name.allSatisfy { $0.isLowercase || $0 == "-" }, "\(name)")
        }
        #expect(TerminationStatus.timeLimit(feasible: false).name == TerminationStatus.timeLimit(feasible: true).name)
        #expect(TerminationStatus.numericalFailure("a").name == TerminationStatus.numericalFailure("b").name)
    }

    static let allErrors: [LinearProgrammingError] = [
        .nonFiniteCoefficient(row: 3, variable: 1, value: .nan),
        .nonFiniteCoefficient(row: nil, variable: 1, value: .infinity),
        .nonFiniteBound(what: "variable 2", lower: .nan, upper: 1),
        .invertedBounds(what: "constraint 0", lower: 2, upper: 1),
        .variableOutOfRange(index: 99, count: 2),
        .constraintOutOfRange(index: 5, count: 1),
        .tooLarge(what: "the number of variables", count: 3_000_000_000),
        .coefficientOutOfRange(row: 2, variable: 1, value: 1e300),
        .coefficientOutOfRange(row: nil, variable: 0, value: 1e-300),
        .boundOutOfRange(what: "variable 3", value: 1e30),
        .binaryBounds(variable: 4),
        .fractionalIntegerBound(what: "variable 5", lower: 0, upper: 2.5),
    ]

    @Test("Every error has a readable description naming what is wrong", arguments: allErrors)
    func errorDescription(_ error: LinearProgrammingError) {
        let text = error.description
        #expect(!text.isEmpty)
        #expect(text.contains(" "))
        switch error {
        case .nonFiniteCoefficient(let row, let variable, _):
            #expect(text.contains("variable \(variable)"))
            #expect(text.contains(row.map { "row \($0)" } ?? "objective"))
        case .coefficientOutOfRange(let row, let variable, _):
            #expect(text.contains("variable \(variable)"))
            #expect(text.contains(row.map { "row \($0)" } ?? "objective"))
        case .boundOutOfRange(let what, _):
            #expect(text.contains(what))
        case .nonFiniteBound(let what, _, _), .invertedBounds(let what, _, _), .tooLarge(let what, _),
            .fractionalIntegerBound(let what, _, _):
            #expect(text.contains(what))
        case .variableOutOfRange(let index, let count), .constraintOutOfRange(let index, let count):
            #expect(text.contains("\(index)") && text.contains("\(count)"))
        case .binaryBounds(let variable):
            #expect(text.contains("variable \(variable)") && text.contains("0/1"))
        }
    }

    @Test("GLPK return codes match glpk.h and all have sentences")
    func glpkReturnCodes() {
        // Values of GLP_EBADB … GLP_ERANGE in glpk.h (GLPK 5.0): 0x01 … 0x13, in this order.
        let expected: [(GLPKReturnCode, Int32)] = [
            (.invalidBasis, 0x01), (.singularMatrix, 0x02), (.illConditioned, 0x03), (.invalidBounds, 0x04),
            (.solverFailed, 0x05), (.objectiveLowerLimit, 0x06), (.objectiveUpperLimit, 0x07),
            (.iterationLimit, 0x08), (.timeLimit, 0x09), (.noPrimalFeasible, 0x0A), (.noDualFeasible, 0x0B),
            (.rootNotOptimal, 0x0C), (.stopped, 0x0D), (.mipGapReached, 0x0E), (.noFeasible, 0x0F),
            (.noConvergence, 0x10), (.numericalInstability, 0x11), (.invalidData, 0x12), (.resultOutOfRange, 0x13),
        ]
        var sentences: Set<String> = []
        for (code, raw) in expected {
            #expect(code.rawValue == raw, "\(code)")
            #expect(!code.description.isEmpty)
            #expect(GLPKReturnCode.sentence(for: raw) == code.description)
            sentences.insert(code.description)
        }
        #expect(sentences.count == expected.count)
        #expect(GLPKReturnCode(rawValue: 0) == nil)
        #expect(GLPKReturnCode.sentence(for: 0x7F).contains("127"))
    }
}
