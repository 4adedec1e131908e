internal import CGLPK
import LinearProgramming

/// GLPK's `GLP_E*` return codes as a Swift enum with readable sentences.
enum GLPKReturnCode: Int32, CustomStringConvertible {
    case invalidBasis = 0x01, singularMatrix, illConditioned, invalidBounds, solverFailed
    case objectiveLowerLimit, objectiveUpperLimit, iterationLimit, timeLimit
    case noPrimalFeasible, noDualFeasible, rootNotOptimal, stopped, mipGapReached
    case noFeasible, noConvergence, numericalInstability, invalidData, resultOutOfRange

    var description: String {
        switch self {
        case .invalidBasis: "the starting basis is invalid"
        case .singularMatrix: "the basis matrix is singular"
        case .illConditioned: "the basis matrix is ill-conditioned"
        case .invalidBounds: "some variables have invalid bounds"
        case .solverFailed: "the solver failed"
        case .objectiveLowerLimit: "the objective lower limit was reached"
        case .objectiveUpperLimit: "the objective upper limit was reached"
        case .iterationLimit: "the iteration limit was reached"
        case .timeLimit: "the time limit was reached"
        case .noPrimalFeasible: "the problem has no primal feasible solution"
        case .noDualFeasible: "the problem has no dual feasible solution"
        case .rootNotOptimal: "the LP relaxation was not solved to optimality"
        case .stopped: "the search was stopped"
        case .mipGapReached: "the relative MIP gap tolerance was reached"
        case .noFeasible: "the problem has no primal or dual feasible solution"
        case .noConvergence: "the solver did not converge"
        case .numericalInstability: "the solver became numerically unstable"
        case .invalidData: "the data is invalid"
        case .resultOutOfRange: "a result is out of range"
        }
    }

    /// The sentence for any code GLPK may return, known or not.
    static func sentence(for code: Int32) -> String {
        GLPKReturnCode(rawValue: code)?.description ?? "GLPK returned the unknown code \(code)"
    }
}

/// A GLPK routine failed at run time: the routine, its raw return code and the sentence for it.
public struct GLPKError: Error, Sendable, Equatable, CustomStringConvertible {
    public let routine: String
    public let code: Int32
    public var description: String { GLPKReturnCode.sentence(for: code) }

    /// The same failure in the solver-neutral terms of a ``TerminationStatus``, the code kept.
    var failure: SolverFailure { SolverFailure(description, routine: routine, code: code) }
}

/// The GLPK routines whose return codes are read, each with its own table (as GLPK.jl maps each
/// routine's codes to an MOI status): what the code means for the caller.
enum GLPKRoutine: String {
    case simplex = "glp_simplex"
    case intopt = "glp_intopt"
}

/// What a routine's return code means.
enum GLPKVerdict: Equatable {
    /// The routine finished: read the problem's status for the verdict.
    case finished
    /// The time limit (`tm_lim`) was reached.
    case timeLimit
    /// The search stalled (iteration budget, bad or ill-conditioned basis): worth another method.
    case stalled
    /// The routine proved there is no primal feasible solution (the MIP presolver).
    case noPrimalFeasible
    /// The callback stopped the search.
    case stopped
    /// A failure: nothing to read.
    case failed(GLPKError)
}

extension GLPKRoutine {
    /// Every return code of every routine passes through here.
    func check(_ code: Int32) -> GLPKVerdict {
        switch (self, code) {
        case (_, 0): .finished
        case (_, GLP_ETMLIM): .timeLimit
        case (.simplex, GLP_EITLIM), (.simplex, GLP_EBADB), (.simplex, GLP_ESING), (.simplex, GLP_ECOND): .stalled
        case (.intopt, GLP_ENOPFS): .noPrimalFeasible
        case (.intopt, GLP_ESTOP): .stopped
        // GLP_EBOUND, GLP_EFAIL, GLP_EOBJLL, GLP_EOBJUL, GLP_ENOPFS/GLP_ENODFS (simplex presolver,
        // off here), GLP_EROOT, GLP_ENODFS, GLP_EMIPGAP, and anything unknown.
        default: .failed(GLPKError(routine: rawValue, code: code))
        }
    }
}
