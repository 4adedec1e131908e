/// Why a model or a call was refused before it reached the solver.
///
/// Backends may abort the process on an invalid argument (GLPK does), so every index, bound and
/// number is checked in Swift first and refused with one of these. Misuse that no input can cause
/// (a session used on the wrong thread) is a precondition failure, not an error.
public enum LinearProgrammingError: Error, Equatable, Sendable {
    case nonFiniteCoefficient(row: Int?, variable: Int, value: Double)
    /// Finite, but too large or too small for GLPK's scaling (which aborts on such data).
    case coefficientOutOfRange(row: Int?, variable: Int, value: Double)
    case boundOutOfRange(what: String, value: Double)
    case nonFiniteBound(what: String, lower: Double, upper: Double)
    case invertedBounds(what: String, lower: Double, upper: Double)
    case variableOutOfRange(index: Int, count: Int)
    case constraintOutOfRange(index: Int, count: Int)
    case binaryBounds(variable: Int)
    /// An integer variable with a finite bound that is not a whole number.
    case fractionalIntegerBound(what: String, lower: Double, upper: Double)
    case tooLarge(what: String, count: Int)
}

extension LinearProgrammingError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .nonFiniteCoefficient(row, variable, value):
            let place = row.map { "row \($0)" } ?? "the objective"
            return "coefficient of variable \(variable) in \(place) is \(value); coefficients must be finite"
        case let .coefficientOutOfRange(row, variable, value):
            let place = row.map { "row \($0)" } ?? "the objective"
            return "coefficient of variable \(variable) in \(place) is \(value); coefficients must be 0 or between "
                + "\(LinearModel.smallestCoefficient) and \(LinearModel.largestMagnitude) in magnitude"
        case let .boundOutOfRange(what, value):
            return "\(what) has the bound \(value); finite bounds must be at most \(LinearModel.largestMagnitude) in magnitude"
        case let .nonFiniteBound(what, lower, upper):
            return "\(what) has bounds [\(lower), \(upper)]; a lower bound must be finite or -infinity, an upper bound finite or +infinity"
        case let .invertedBounds(what, lower, upper):
            return "\(what) has lower bound \(lower) above its upper bound \(upper)"
        case let .variableOutOfRange(index, count):
            return "variable \(index) does not exist (the model has \(count) variables)"
        case let .constraintOutOfRange(index, count):
            return "constraint \(index) does not exist (the model has \(count) constraints)"
        case let .binaryBounds(variable):
            return "variable \(variable) is an integer (0/1 or whole-number) variable: its bounds cannot be changed"
        case let .fractionalIntegerBound(what, lower, upper):
            return "\(what) is an integer variable with bounds [\(lower), \(upper)]; its finite bounds must be whole numbers"
        case let .tooLarge(what, count):
            return "\(what) (\(count)) is more than the solver can index"
        }
    }
}

extension LinearModel {
    /// Checks every index, bound and coefficient; throws on the first problem.
    public func validate() throws(LinearProgrammingError) {
        for (j, column) in columns.enumerated() {
            try Self.check(column, what: "variable \(j)")
        }
        for (i, row) in rows.enumerated() {
            try Self.check(row, index: i, variableCount: columns.count)
        }
        try Self.checkObjective(objective, variableCount: columns.count)
    }

    @inlinable
    public static func check(_ column: Column, what: @autoclosure () -> String) throws(LinearProgrammingError) {
        try checkBounds(lower: column.lower, upper: column.upper, what: what())
        if column.isInteger && !column.isBinary {
            for bound in [column.lower, column.upper] where bound.isFinite && bound != bound.rounded() {
                throw .fractionalIntegerBound(what: what(), lower: column.lower, upper: column.upper)
            }
        }
    }

    @inlinable
    public static func check(_ row: Row, index: Int, variableCount: Int) throws(LinearProgrammingError) {
        try checkBounds(lower: row.lower, upper: row.upper, what: "constraint \(index)")
        for term in row.terms {
            guard term.variable.index >= 0, term.variable.index < variableCount else {
                throw .variableOutOfRange(index: term.variable.index, count: variableCount)
            }
            guard term.coefficient.isFinite else {
                throw .nonFiniteCoefficient(row: index, variable: term.variable.index, value: term.coefficient)
            }
            guard isAcceptable(term.coefficient) else {
                throw .coefficientOutOfRange(row: index, variable: term.variable.index, value: term.coefficient)
            }
        }
    }

    public static func checkObjective(_ terms: [Term], variableCount: Int) throws(LinearProgrammingError) {
        for term in terms {
            guard term.variable.index >= 0, term.variable.index < variableCount else {
                throw .variableOutOfRange(index: term.variable.index, count: variableCount)
            }
            guard term.coefficient.isFinite else {
                throw .nonFiniteCoefficient(row: nil, variable: term.variable.index, value: term.coefficient)
            }
            guard isAcceptable(term.coefficient) else {
                throw .coefficientOutOfRange(row: nil, variable: term.variable.index, value: term.coefficient)
            }
        }
    }

    @inlinable
    public static func checkBounds(lower: Double, upper: Double, what: @autoclosure () -> String) throws(LinearProgrammingError) {
        guard !lower.isNaN, !upper.isNaN, lower != .infinity, upper != -.infinity else {
            throw .nonFiniteBound(what: what(), lower: lower, upper: upper)
        }
        guard lower <= upper else { throw .invertedBounds(what: what(), lower: lower, upper: upper) }
        // (Each side by itself: an array of the two, built on every call, was most of the check.)
        if lower.isFinite && abs(lower) > largestMagnitude { throw .boundOutOfRange(what: what(), value: lower) }
        if upper.isFinite && abs(upper) > largestMagnitude { throw .boundOutOfRange(what: what(), value: upper) }
    }

    /// Scaling aborts some solvers (GLPK) on coefficients near 1e±200; these limits keep far away.
    public static let largestMagnitude = 1e20
    public static let smallestCoefficient = 1e-20

    /// Zero, or finite with a magnitude a solver can scale.
    public static func isAcceptable(_ coefficient: Double) -> Bool {
        coefficient == 0 || (abs(coefficient) >= smallestCoefficient && abs(coefficient) <= largestMagnitude)
    }
}
