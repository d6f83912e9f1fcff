namespace Pipelines.Testing;

/// <summary>Copies of source folders, as a runner's checkout has them: no build output, file modes kept.</summary>
public static class FileTree
{
    /// <summary>Copies <paramref name="from"/> into <paramref name="to"/>, leaving out bin/ and obj/ folders.</summary>
    public static void Copy(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, File.GetUnixFileMode(file)); // scripts and binaries stay executable
            }
        }
    }
}
