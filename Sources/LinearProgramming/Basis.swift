/// Where one variable, or one row's value, stands in a simplex basis.
public enum BasisStatus: UInt8, Sendable, Equatable {
    case basic
    /// Non-basic at its lower bound.
    case atLower
    /// Non-basic at its upper bound.
    case atUpper
    /// Non-basic with no bound (at zero).
    case free
    /// Non-basic, its bounds equal.
    case fixed

    public var isBasic: Bool { self == .basic }
}

/// A simplex basis as plain values: one status per row (the row's value, Σ terms, as a variable
/// of its own) and one per column. Solver-neutral: read from one session after an LP, it can start
/// another session's LP where the two models' rows and columns correspond one to one (the same
/// matrix, other bounds or objective): from a point the other model reached, the simplex has
/// fewer pivots to make than from nothing.
public struct Basis: Sendable, Equatable {
    public var rows: [BasisStatus]
    public var columns: [BasisStatus]

    public init(rows: [BasisStatus], columns: [BasisStatus]) {
        self.rows = rows
        self.columns = columns
    }

    /// How many rows and columns are basic. A basis of a model with m rows has m of them.
    public var basicCount: Int {
        rows.reduce(0) { $0 + ($1.isBasic ? 1 : 0) } + columns.reduce(0) { $0 + ($1.isBasic ? 1 : 0) }
    }
}

/// A session whose simplex basis can be read and set: the capability a caller needs to start one
/// model's LP from where another model's left off.
public protocol BasisSession: SolverSession {
    /// The basis the last LP solved left (nil before any LP, or where the backend has none).
    func basis() -> Basis?
    /// Starts the next LP from `basis`, which must have one status per row and column of the
    /// model as it is now and as many basic ones as rows; otherwise nothing changes and the result
    /// is false. A non-basic status stands for the bound the variable has (a column fixed at zero
    /// in one model and bounded in the other starts at its lower bound). A basis the backend cannot
    /// factorize (singular) is replaced by the backend's own starting basis at the solve; a basis
    /// that is not primal feasible is repaired by the simplex (its first phase). Neither changes
    /// the optimum, only the path to it.
    @discardableResult
    func warmStart(_ basis: Basis) -> Bool
}
