/// A handle to one variable (column) of a ``LinearModel``.
public struct Variable: Hashable, Sendable {
    public let index: Int
    public init(index: Int) { self.index = index }
}

/// A handle to one constraint (row) of a ``LinearModel``.
public struct ConstraintRef: Hashable, Sendable {
    public let index: Int
    public init(index: Int) { self.index = index }
}

/// `coefficient × variable`, one entry of a sparse linear expression.
public struct Term: Sendable, Equatable {
    public var variable: Variable
    public var coefficient: Double
    public init(_ variable: Variable, _ coefficient: Double) {
        self.variable = variable
        self.coefficient = coefficient
    }
}

/// A column: its bounds (±infinity for none) and whether it is a 0/1 variable or a general
/// integer variable (whose finite bounds must be whole numbers).
public struct Column: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var isBinary: Bool
    public var isInteger: Bool
    public init(lower: Double = 0, upper: Double = .infinity, isBinary: Bool = false, isInteger: Bool = false) {
        self.lower = lower
        self.upper = upper
        self.isBinary = isBinary
        self.isInteger = isInteger || isBinary
    }
}

/// A row: `lower ≤ Σ terms ≤ upper` (±infinity for a missing side).
public struct Row: Sendable, Equatable {
    public var terms: [Term]
    public var lower: Double
    public var upper: Double
    public init(_ terms: [Term], lower: Double = -.infinity, upper: Double = .infinity) {
        self.terms = terms
        self.lower = lower
        self.upper = upper
    }
}

/// A linear (or mixed 0/1) program as plain values: columns, rows and an objective to minimize.
///
/// Building a model never calls into a solver; a backend checks it (``validate()``) before use.
public struct LinearModel: Sendable {
    public private(set) var columns: [Column] = []
    public private(set) var rows: [Row] = []
    /// Minimized.
    public var objective: [Term] = []

    public init() {}

    public var variableCount: Int { columns.count }
    public var constraintCount: Int { rows.count }

    @discardableResult
    public mutating func addVariable(
        lower: Double = 0, upper: Double = .infinity, binary: Bool = false, integer: Bool = false
    ) -> Variable {
        columns.append(Column(lower: binary ? 0 : lower, upper: binary ? 1 : upper, isBinary: binary, isInteger: integer))
        return Variable(index: columns.count - 1)
    }

    /// Room for `variables` columns and `constraints` rows in all: a model whose size is about
    /// known grows its arrays once, not by doubling.
    public mutating func reserveCapacity(variables: Int, constraints: Int) {
        columns.reserveCapacity(variables)
        rows.reserveCapacity(constraints)
    }

    /// Changes a continuous variable's bounds while the model is built.
    public mutating func setBounds(_ variable: Variable, lower: Double, upper: Double) {
        precondition(!columns[variable.index].isInteger, "an integer variable keeps its bounds")
        columns[variable.index].lower = lower
        columns[variable.index].upper = upper
    }

    /// Whether `values` gives every integer variable a whole value (within `tolerance`).
    public func isIntegral(_ values: [Double], tolerance: Double = 1e-6) -> Bool {
        columns.indices.allSatisfy { j in
            !columns[j].isInteger || (j < values.count && abs(values[j] - values[j].rounded()) <= tolerance)
        }
    }

    @discardableResult
    public mutating func addConstraint(_ terms: [Term], lower: Double = -.infinity, upper: Double = .infinity) -> ConstraintRef {
        rows.append(Row(terms, lower: lower, upper: upper))
        return ConstraintRef(index: rows.count - 1)
    }

    @discardableResult
    public mutating func addConstraint(_ terms: [Term], equalTo value: Double) -> ConstraintRef {
        addConstraint(terms, lower: value, upper: value)
    }

    /// The value of `terms` at `values` (one value per variable).
    public static func evaluate(_ terms: [Term], at values: [Double]) -> Double {
        terms.reduce(0) { $0 + $1.coefficient * values[$1.variable.index] }
    }
}

extension LinearModel {
    /// Sums the coefficients of repeated variables and drops zeros: solvers such as GLPK refuse duplicates.
    /// The sums are checked again: two large finite terms can add up to infinity.
    public static func checkedMerge(_ terms: [Term], row: Int?) throws(LinearProgrammingError) -> [Term] {
        let out = merged(terms)
        for term in out where !LinearModel.isAcceptable(term.coefficient) {
            throw .coefficientOutOfRange(row: row, variable: term.variable.index, value: term.coefficient)
        }
        return out
    }

    public static func merged(_ terms: [Term]) -> [Term] {
        // Already in strictly increasing variable order (most rows as built): nothing to sort or add.
        if isStrictlyIncreasing(terms) {
            return terms.allSatisfy { $0.coefficient != 0 } ? terms : terms.filter { $0.coefficient != 0 }
        }
        var sorted = terms
        let kept = sorted.withUnsafeMutableBufferPointer { terms in
            // Rows as built are short and nearly sorted (a cash row's excess-cash column comes
            // first): an insertion sort, stable like `sort` (repeated variables are added in the
            // same order), costs a fraction of it there.
            if terms.count <= 64 {
                for i in 1..<terms.count {
                    let term = terms[i]
                    var j = i
                    while j > 0 && terms[j - 1].variable.index > term.variable.index {
                        terms[j] = terms[j - 1]
                        j -= 1
                    }
                    terms[j] = term
                }
            } else {
                terms.sort { $0.variable.index < $1.variable.index }
            }
            // Repeated variables summed in place, in the sorted order.
            var kept = 0
            for i in terms.indices {
                if kept > 0 && terms[kept - 1].variable == terms[i].variable {
                    terms[kept - 1].coefficient += terms[i].coefficient
                } else {
                    terms[kept] = terms[i]
                    kept += 1
                }
            }
            return kept
        }
        sorted.removeLast(sorted.count - kept)
        return sorted.contains { $0.coefficient == 0 } ? sorted.filter { $0.coefficient != 0 } : sorted
    }

    /// Whether each term's variable comes after the one before it.
    private static func isStrictlyIncreasing(_ terms: [Term]) -> Bool {
        terms.withUnsafeBufferPointer { terms in
            var k = 1
            while k < terms.count {
                if terms[k - 1].variable.index >= terms[k].variable.index { return false }
                k += 1
            }
            return true
        }
    }
}
