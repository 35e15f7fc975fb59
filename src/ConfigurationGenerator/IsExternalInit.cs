namespace System.Runtime.CompilerServices;

/// <summary>Lets records compile for netstandard2.0, where the compiler loads this generator.</summary>
internal static class IsExternalInit;
