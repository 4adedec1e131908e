/// A sparse matrix by rows, with each entry's magnitude: what GLPK's scaling reads.
struct SparseRows {
    /// Row i's entries are `start[i]..<start[i + 1]`.
    private(set) var start: [Int] = [0]
    /// 0-based column of each entry.
    private(set) var column: [Int] = []
    /// |a| of each entry (never 0).
    private(set) var magnitude: [Double] = []
    /// a of each entry (sifting prices columns with it).
    private(set) var value: [Double] = []

    var count: Int { start.count - 1 }

    mutating func append(_ entries: some Sequence<(column: Int, value: Double)>) {
        for entry in entries {
            column.append(entry.column)
            magnitude.append(abs(entry.value))
            value.append(entry.value)
        }
        start.append(column.count)
    }
}

/// GLPK's automatic scaling (`glp_scale_prob(P, GLP_SF_AUTO)`: geometric-mean passes, then
/// equilibration, skipped when the matrix is already well scaled), computed here on flat arrays.
///
/// Why: GLPK recomputes the factors from scratch on every call, walking its linked lists through
/// its API up to fifteen times; before every solve that was more than a third of a batch's
/// instructions. The arithmetic below is GLPK's own (glpscl.c), operation for operation — the
/// same products, quotients, square roots, comparisons and order of passes — so the factors are
/// bit-identical (a minimum or maximum does not depend on the order of the entries; a row's
/// range is only reused while no factor it reads has changed). Debug builds check every result
/// against `glp_scale_prob` itself (`GLPKProblem.checkScaling`).
struct GLPKScaling {
    /// The factors of the rows and of the columns.
    struct Factors {
        var row: [Double]
        var column: [Double]
    }

    /// scale_prob(GLP_SF_GM | GLP_SF_EQ | GLP_SF_SKIP) after glp_unscale_prob.
    static func factors(_ matrix: SparseRows, columns n: Int) -> Factors {
        var work = Work(matrix, columns: n)
        defer { work.deallocate() }
        return work.run()
    }

    /// The computation on flat buffers (it runs before most solves of a batch: written for speed,
    /// with no bounds checks or closures in the loops over the entries).
    private struct Work {
        let m: Int
        let n: Int
        /// Rows' entries: `rowStart[i]..<rowStart[i + 1]` of `rowColumn` and `rowMagnitude`.
        let rowStart: UnsafeMutableBufferPointer<Int>
        let rowColumn: UnsafeMutableBufferPointer<Int>
        let rowMagnitude: UnsafeMutableBufferPointer<Double>
        /// The same entries by column.
        let columnStart: UnsafeMutableBufferPointer<Int>
        let columnRow: UnsafeMutableBufferPointer<Int>
        let columnMagnitude: UnsafeMutableBufferPointer<Double>
        /// The factors.
        let row: UnsafeMutableBufferPointer<Double>
        let column: UnsafeMutableBufferPointer<Double>
        /// Each row's (min, max) scaled |a| (min_row_aij, max_row_aij: 1 and 1 for an empty row),
        /// valid while `rowsCurrent`; likewise columns.
        let rowLo: UnsafeMutableBufferPointer<Double>
        let rowHi: UnsafeMutableBufferPointer<Double>
        let columnLo: UnsafeMutableBufferPointer<Double>
        let columnHi: UnsafeMutableBufferPointer<Double>
        var rowsCurrent = false
        var columnsCurrent = false

        init(_ matrix: SparseRows, columns n: Int) {
            m = matrix.count
            self.n = n
            let entries = matrix.column.count
            func buffer<T>(_ count: Int, _ value: T) -> UnsafeMutableBufferPointer<T> {
                let b = UnsafeMutableBufferPointer<T>.allocate(capacity: max(count, 1))
                b.initialize(repeating: value)
                return b
            }
            rowStart = buffer(m + 1, 0)
            rowColumn = buffer(entries, 0)
            rowMagnitude = buffer(entries, 0.0)
            for i in 0...m { rowStart[i] = matrix.start[i] }
            for k in 0..<entries {
                rowColumn[k] = matrix.column[k]
                rowMagnitude[k] = matrix.magnitude[k]
            }
            columnStart = buffer(n + 1, 0)
            columnRow = buffer(entries, 0)
            columnMagnitude = buffer(entries, 0.0)
            for k in 0..<entries { columnStart[rowColumn[k] + 1] += 1 }
            for j in 0..<n { columnStart[j + 1] += columnStart[j] }
            let next = buffer(n + 1, 0)
            for j in 0...n { next[j] = columnStart[j] }
            for i in 0..<m {
                for k in rowStart[i]..<rowStart[i + 1] {
                    let j = rowColumn[k]
                    columnRow[next[j]] = i
                    columnMagnitude[next[j]] = rowMagnitude[k]
                    next[j] += 1
                }
            }
            next.deallocate()
            row = buffer(m, 1.0)
            column = buffer(n, 1.0)
            rowLo = buffer(m, 1.0)
            rowHi = buffer(m, 1.0)
            columnLo = buffer(n, 1.0)
            columnHi = buffer(n, 1.0)
        }

        func deallocate() {
            for b in [rowStart, rowColumn, columnStart, columnRow] { b.deallocate() }
            for b in [rowMagnitude, columnMagnitude, row, column, rowLo, rowHi, columnLo, columnHi] { b.deallocate() }
        }

        mutating func updateRows() {
            guard !rowsCurrent else { return }
            for i in 0..<m {
                var lo = 1.0, hi = 1.0
                let r = row[i], first = rowStart[i], end = rowStart[i + 1]
                var k = first
                while k < end {
                    let t = rowMagnitude[k] * (r * column[rowColumn[k]])
                    if k == first || lo > t { lo = t }
                    if k == first || hi < t { hi = t }
                    k += 1
                }
                rowLo[i] = lo
                rowHi[i] = hi
            }
            rowsCurrent = true
        }

        mutating func updateColumns() {
            guard !columnsCurrent else { return }
            for j in 0..<n {
                var lo = 1.0, hi = 1.0
                let s = column[j], first = columnStart[j], end = columnStart[j + 1]
                var k = first
                while k < end {
                    let t = columnMagnitude[k] * (row[columnRow[k]] * s)
                    if k == first || lo > t { lo = t }
                    if k == first || hi < t { hi = t }
                    k += 1
                }
                columnLo[j] = lo
                columnHi[j] = hi
            }
            columnsCurrent = true
        }

        /// min_mat_aij and max_mat_aij: over the rows.
        mutating func matrixRange() -> (lo: Double, hi: Double) {
            updateRows()
            var lo = 1.0, hi = 1.0
            for i in 0..<m {
                if i == 0 || lo > rowLo[i] { lo = rowLo[i] }
                if i == 0 || hi < rowHi[i] { hi = rowHi[i] }
            }
            return (lo, hi)
        }

        /// max_row_ratio(lp) > max_col_ratio(lp): GLPK's flag, rows scaled on the second pass.
        mutating func rowsLast() -> Bool {
            updateRows()
            updateColumns()
            var rowRatio = 1.0, columnRatio = 1.0
            for i in 0..<m {
                let t = rowHi[i] / rowLo[i]
                if i == 0 || rowRatio < t { rowRatio = t }
            }
            for j in 0..<n {
                let t = columnHi[j] / columnLo[j]
                if j == 0 || columnRatio < t { columnRatio = t }
            }
            return rowRatio > columnRatio
        }

        /// One pass of rows or columns: each factor divided by the geometric mean of its range
        /// (`geometric`), else by its largest entry.
        mutating func scaleRows(geometric: Bool) {
            updateRows()
            for i in 0..<m {
                let divisor = geometric ? (rowLo[i] * rowHi[i]).squareRoot() : rowHi[i]
                row[i] = row[i] / divisor
            }
            rowsCurrent = false
            columnsCurrent = false
        }

        mutating func scaleColumns(geometric: Bool) {
            updateColumns()
            for j in 0..<n {
                let divisor = geometric ? (columnLo[j] * columnHi[j]).squareRoot() : columnHi[j]
                column[j] = column[j] / divisor
            }
            rowsCurrent = false
            columnsCurrent = false
        }

        mutating func run() -> Factors {
            // Well scaled already (every |a| within [0.1, 10]): GLP_SF_SKIP leaves every factor 1.
            let (least, most) = matrixRange()
            if !(least >= 0.10 && most <= 10.0) {
                // gm_iterate(lp, 15, 0.90), each step gm_scaling: rows and columns by the
                // geometric mean of their range. (A row's factor changes only its own range, so a
                // pass may use the ranges computed before it.)
                let gmRowsLast = rowsLast()
                var ratio = 0.0
                for k in 1...15 {
                    let previous = ratio
                    let (least, most) = matrixRange()
                    ratio = most / least
                    if k > 1 && ratio > 0.90 * previous { break }
                    for pass in 0...1 {
                        if (pass == 1) == gmRowsLast { scaleRows(geometric: true) } else { scaleColumns(geometric: true) }
                    }
                }
                // eq_scaling: rows and columns by their largest entry.
                let eqRowsLast = rowsLast()
                for pass in 0...1 {
                    if (pass == 1) == eqRowsLast { scaleRows(geometric: false) } else { scaleColumns(geometric: false) }
                }
            }
            return Factors(row: Array(row.prefix(m)), column: Array(column.prefix(n)))
        }
    }
}
