using System;

namespace ContextFlow;

/// <summary>
/// Asks the ContextFlow generator for a <c>{Name}ContextDecorator</c> that implements the marked interface over an
/// inner instance and runs every member in the nested context <c>"{Interface}.{Member}"</c>, recording block
/// metrics under that name.
/// </summary>
[AttributeUsage(AttributeTargets.Interface, Inherited = false)]
public sealed class ContextDecoratorAttribute : Attribute
{
}
