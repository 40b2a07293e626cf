using System;
using System.IO;
using System.Linq;

namespace ContextFlow.AspNetCore.Tests.Support;

/// <summary>Whether this process holds a file open, read from the kernel's table of its descriptors.</summary>
public static class OpenFiles
{
    public static bool IsOpen(string path)
    {
        var full = Path.GetFullPath(path);
        var descriptors = new DirectoryInfo("/proc/self/fd");
        if (!descriptors.Exists)
        {
            Assert.Ignore("/proc/self/fd is needed to see which files the process holds open");
        }

        return descriptors.EnumerateFileSystemInfos().Any(fd =>
        {
            try
            {
                return string.Equals(fd.LinkTarget, full, StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;   // closed while we looked
            }
        });
    }
}
