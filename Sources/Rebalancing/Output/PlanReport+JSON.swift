/// The PLAN object of MODEL §6.
extension PlanReport {
    /// The PLAN as `compare` and `batch` list it (their top level states the assumptions once).
    public var json: JSONValue { json(withAssumptions: false) }

    /// The PLAN; `plan --format json` prints it with `"assumptions"` last.
    public func json(withAssumptions: Bool) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("strategy", .string(strategy.name)),
            ("status", .string(status.name)),
        ]
        if !status.isOptimal { fields.append(("message", .string(status.description))) }
        fields.append(("trades", .array(trades.map(\.json))))
        fields.append(("summary", summary.json))
        fields.append(("notes", .array(notes.map(\.json))))
        if withAssumptions { fields.append(("assumptions", assumptions.json)) }
        return .object(fields)
    }
}

extension PlanNote {
    /// `{"kind": "nearLongTerm", "account", "symbol", ["id",] "acquired", "longTermOn",
    /// "taxSavedByWaiting"}`, `{"kind": "doNotRebuyUntil", "symbol", ["identical",] "until"}`,
    /// `{"kind": "blocked", "symbol", "until"}`.
    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [("kind", .string(kind))]
        switch self {
        case .nearLongTerm(let account, let symbol, let id, let acquired, let longTermOn, let saved):
            fields += [("account", .string(account)), ("symbol", .string(symbol))]
            if let id { fields.append(("id", .string(id))) }
            fields += [
                ("acquired", .string(acquired.description)), ("longTermOn", .string(longTermOn.description)),
                ("taxSavedByWaiting", .money(saved)),
            ]
        case .doNotRebuyUntil(let symbol, let group, let until):
            fields.append(("symbol", .string(symbol)))
            if group.count > 1 { fields.append(("identical", .array(group.map { .string($0) }))) }
            fields.append(("until", .string(until.description)))
        case .blocked(let symbol, let until):
            fields += [("symbol", .string(symbol)), ("until", .string(until.description))]
        }
        return .object(fields)
    }
}

extension Assumptions {
    /// `{"shortTermRate", "longTermRate", "ordinaryOffsetLimit", "realizedThisYear": {...},
    /// "carryforwardLoss": {...}, "tradingCost", "defaults": [keys not given by the scenario]}`.
    public var json: JSONValue {
        func terms(_ t: TermAmounts) -> JSONValue {
            .object([("shortTerm", .money(t.shortTerm)), ("longTerm", .money(t.longTerm))])
        }
        return .object([
            ("shortTermRate", .fraction(settings.shortTermRate)),
            ("longTermRate", .fraction(settings.longTermRate)),
            ("ordinaryOffsetLimit", .money(settings.ordinaryOffsetLimit)),
            ("realizedThisYear", terms(settings.realizedThisYear)),
            ("carryforwardLoss", terms(settings.carryforwardLoss)),
            ("tradingCost", .fraction(settings.tradingCost)),
            ("defaults", .array(defaults.map { .string($0.rawValue) })),
        ])
    }
}

extension PlanReport.Trade {
    var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("account", .string(account)),
            ("symbol", .string(symbol)),
            ("action", .string(action.rawValue)),
            ("shares", .shares(shares)),
            ("amount", .money(amount)),
        ]
        if action == .sell { fields.append(("lots", .array(lots.map(\.json)))) }
        return .object(fields)
    }
}

extension PlanReport.SoldLot {
    var json: JSONValue {
        var fields: [(String, JSONValue)] = []
        fields.reserveCapacity(7)
        if let id { fields.append(("id", .string(id))) }
        fields.append(("acquired", .string(acquired.description)))
        fields.append(("shares", .shares(shares)))
        fields.append(("gain", .money(gain)))
        fields.append(("term", .string(isLongTerm ? "long" : "short")))
        if isDisallowed { fields.append(("washSale", .bool(true))) }
        // Sold in a tax-deferred or tax-exempt account: the term is kept, the gain is not taxed.
        if !isTaxable { fields.append(("taxable", .bool(false))) }
        return .object(fields)
    }
}

extension PlanReport.Summary {
    var json: JSONValue {
        .object([
            ("driftBefore", .fraction(driftBefore)),
            ("driftAfter", .fraction(driftAfter)),
            ("misallocatedBefore", .money(misallocatedBefore)),
            ("misallocatedAfter", .money(misallocatedAfter)),
            ("turnover", .money(turnover)),
            ("realized", .object([("shortTerm", .money(realizedShortTerm)), ("longTerm", .money(realizedLongTerm))])),
            ("lotTax", .money(lotTax)),
            ("estimatedTax", .money(estimatedTax)),
            (
                "carryforwardAfter",
                .object([("shortTerm", .money(carryforwardAfter.shortTerm)), ("longTerm", .money(carryforwardAfter.longTerm))])
            ),
            ("cashAfter", .object(cashAfter.map { ($0.account, .money($0.amount)) })),
        ])
    }
}
