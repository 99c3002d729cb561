import TensorCore

/// A piece of a network that owns parameters, possibly through submodules.
///
/// Parameters are named by property path — `encoder.0.weight` is the `weight` of the first layer of
/// the `encoder` property — and those names are the checkpoint keys. By default the names are found
/// by reflection over stored properties: a `Tensor` that `requiresGradient` is a parameter, a
/// `Module` is a submodule, and arrays and optionals of either are followed (array elements are
/// named by index). A module with another layout overrides ``children``.
public protocol Module: AnyObject {
    /// Direct parameters and submodules, by name.
    var children: [(name: String, child: ModuleChild)] { get }
}

/// What a module holds under a name.
public enum ModuleChild {
    case parameter(Tensor)
    case module(any Module)
}

extension Module {
    public var children: [(name: String, child: ModuleChild)] {
        Mirror(reflecting: self).children.flatMap { child -> [(name: String, child: ModuleChild)] in
            guard let label = child.label else { return [] }
            return ModuleReflection.entries(named: label, value: child.value)
        }
    }

    /// Every parameter under its full dotted name, in declaration order.
    public var namedParameters: [(name: String, tensor: Tensor)] {
        children.flatMap { name, child -> [(name: String, tensor: Tensor)] in
            switch child {
            case .parameter(let tensor): return [(name, tensor)]
            case .module(let module): return module.namedParameters.map { ("\(name).\($0.name)", $0.tensor) }
            }
        }
    }

    /// Every parameter, in declaration order.
    public var parameters: [Tensor] { namedParameters.map(\.tensor) }

    /// Total number of scalar parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.elementCount } }

    /// The parameters as a name → tensor dictionary (the tensors themselves, not copies).
    public var parameterDictionary: [String: Tensor] {
        Dictionary(namedParameters.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
    }

    /// Copies values into the parameters, strictly: every parameter must be present with its exact
    /// shape, and nothing else may be. Nothing is changed unless everything matches.
    /// - Parameter source: names the origin (a file path) in error messages.
    public func loadParameters(_ values: [String: Tensor], source: String = "the checkpoint") throws {
        try checkParameters(values, source: source)
        for (name, tensor) in namedParameters { tensor.assign(values[name]!) }
    }

    /// Throws the error ``loadParameters(_:source:)`` would, without changing anything.
    public func checkParameters(_ values: [String: Tensor], source: String = "the checkpoint") throws {
        let parameters = namedParameters
        for (name, tensor) in parameters {
            guard let value = values[name] else { throw ModuleLoadingError.missingKey(name, source: source) }
            guard value.shape == tensor.shape else {
                throw ModuleLoadingError.shapeMismatch(name, expected: tensor.shape, found: value.shape, source: source)
            }
        }
        let known = Set(parameters.map(\.name))
        if let unexpected = values.keys.sorted().first(where: { !known.contains($0) }) {
            throw ModuleLoadingError.unexpectedKey(unexpected, source: source)
        }
    }
}

/// Why parameters could not be loaded; each message names the key at fault.
public enum ModuleLoadingError: Error, CustomStringConvertible, Equatable {
    case missingKey(String, source: String)
    case unexpectedKey(String, source: String)
    case shapeMismatch(String, expected: Shape, found: Shape, source: String)

    public var description: String {
        switch self {
        case .missingKey(let key, let source):
            return "\(source) has no tensor named '\(key)', which the model needs."
        case .unexpectedKey(let key, let source):
            return "\(source) has a tensor named '\(key)' that the model does not have."
        case .shapeMismatch(let key, let expected, let found, let source):
            return "\(source) has tensor '\(key)' with shape \(found), but the model needs \(expected)."
        }
    }
}

/// The default discovery of named children by reflection.
enum ModuleReflection {
    static func entries(named name: String, value: Any) -> [(name: String, child: ModuleChild)] {
        // Property wrappers and lazy properties store under "_name" / "$__lazy_storage_$_name".
        let name = name.hasPrefix("$__lazy_storage_$_") ? String(name.dropFirst(18))
            : (name.hasPrefix("_") ? String(name.dropFirst()) : name)
        switch value {
        case let tensor as Tensor:
            return tensor.requiresGradient ? [(name, .parameter(tensor))] : []
        case let module as any Module:
            return [(name, .module(module))]
        case let tensors as [Tensor]:
            return tensors.enumerated().filter { $0.element.requiresGradient }.map { ("\(name).\($0.offset)", .parameter($0.element)) }
        case let modules as [any Module]:
            return modules.enumerated().map { ("\(name).\($0.offset)", .module($0.element)) }
        default:
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional, let wrapped = mirror.children.first {
                return entries(named: name, value: wrapped.value)
            }
            return []
        }
    }
}

/// A module that maps one tensor to another.
public protocol Layer: Module {
    func callAsFunction(_ input: Tensor) -> Tensor
}
