/// The PLAN object of MODEL §6.
extension PlanReport {
    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("strategy", .string(strategy.name)),
            ("status", .string(status.name)),
        ]
        if !status.isOptimal { fields.append(("message", .string(status.description))) }
        fields.append(("trades", .array(trades.map(\.json))))
        fields.append(("summary", summary.json))
        fields.append(("notes", .array(notes.map(\.json))))
        return .object(fields)
    }
}

extension PlanReport.Note {
    var json: JSONValue {
        switch self {
        case .blocked(let symbol, let until):
            .object([("kind", .string("blocked")), ("symbol", .string(symbol)), ("until", .string(until.description))])
        }
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
        if let id { fields.append(("id", .string(id))) }
        fields += [
            ("acquired", .string(acquired.description)),
            ("shares", .shares(shares)),
            ("gain", .money(gain)),
            ("term", .string(isLongTerm ? "long" : "short")),
        ]
        if isDisallowed { fields.append(("washSale", .bool(true))) }
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
            ("cashAfter", .object(cashAfter.map { ($0.account, .money($0.amount)) })),
        ])
    }
}
