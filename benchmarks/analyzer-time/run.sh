#!/usr/bin/env bash
# Analyzer time on a generated corpus (>= 200,000 lines): ContextFlow's analyzers against
# Microsoft.CodeAnalysis.BannedApiAnalyzers with the equivalent ban list in BannedSymbols.txt.
# Each side compiles the same sources with -p:ReportAnalyzer=true; runs alternate between the two.
#
#   benchmarks/analyzer-time/run.sh            # RUNS=1 LINES=200000 by default (each build takes minutes)
#   RUNS=5 LINES=400000 benchmarks/analyzer-time/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${RUNS:-1}
lines=${LINES:-200000}
banned_version=${BANNED_API_VERSION:-5.6.0}
work=$(mktemp -d "${TMPDIR:-/tmp}/contextflow-analyzer-time.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

command -v python3 >/dev/null || { echo "python3 is needed to generate the corpus" >&2; exit 1; }

echo "Building ContextFlow (Release)..."
dotnet build "$root/Core/ContextFlow/ContextFlow.csproj" -c Release -nologo -v:q >/dev/null
library="$root/Core/ContextFlow/bin/Release/net10.0/ContextFlow.dll"
analyzers="$root/Analyzers/ContextFlow.Analyzers/bin/Release/netstandard2.0/ContextFlow.Analyzers.dll"

echo "Generating the corpus..."
python3 "$here/generate_corpus.py" "$work/src" "$lines"

# Both projects compile the same files; only the analyzers differ. The SDK's own analyzers are off so the
# totals are about these two. Every rule reports as a warning so both builds complete.
write_project() { # name, extra items
  mkdir -p "$work/$1"
  cat > "$work/$1/Corpus.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>disable</ImplicitUsings>
    <EnableDefaultCompileItems>false</EnableDefaultCompileItems>
    <EnableNETAnalyzers>false</EnableNETAnalyzers>
    <TreatWarningsAsErrors>false</TreatWarningsAsErrors>
    <UseSharedCompilation>false</UseSharedCompilation>
    <NoWarn>\$(NoWarn);CS1998</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <Compile Include="../src/*.cs" />
    <Reference Include="ContextFlow" HintPath="$library" />
    <GlobalAnalyzerConfigFiles Include="../warnings.globalconfig" />
$2
  </ItemGroup>
</Project>
XML
}
cat > "$work/warnings.globalconfig" <<'INI'
is_global = true
dotnet_diagnostic.CTX1000.severity = warning
dotnet_diagnostic.CTX1001.severity = warning
dotnet_diagnostic.CTX1002.severity = warning
dotnet_diagnostic.CTX2001.severity = warning
dotnet_diagnostic.CTX2002.severity = warning
dotnet_diagnostic.CTX2003.severity = warning
dotnet_diagnostic.CTX2004.severity = warning
dotnet_diagnostic.CTX3001.severity = warning
dotnet_diagnostic.CTX3002.severity = warning
INI
write_project contextflow "    <Analyzer Include=\"$analyzers\" />"
write_project bannedapi "    <PackageReference Include=\"Microsoft.CodeAnalysis.BannedApiAnalyzers\" Version=\"$banned_version\" PrivateAssets=\"all\" />
    <AdditionalFiles Include=\"$here/BannedSymbols.txt\" />"

for side in contextflow bannedapi; do
  dotnet restore "$work/$side/Corpus.csproj" -nologo -v:q >/dev/null
done

# "ContextFlow.Analyzers, Version=..." or "Microsoft.CodeAnalysis.BannedApiAnalyzers, Version=..." lines of the
# ReportAnalyzer table: seconds in the first column. Summed over the assemblies of one side.
analyzer_seconds() { # log, assembly-name regex
  grep -E "^\s+[0-9.<]+\s+[0-9<]+\s+($2), Version=" "$1" | awk '{ s += ($1 == "<0.001" ? 0 : $1) } END { printf "%.3f", s }'
}

declare -A results
for run in $(seq 1 "$runs"); do
  for side in contextflow bannedapi; do
    log="$work/$side-$run.log"
    dotnet build "$work/$side/Corpus.csproj" -c Release --no-restore --no-incremental -nologo -v:d \
      -p:ReportAnalyzer=true > "$log" 2>&1 || { tail -30 "$log"; exit 1; }
    warnings=$(grep -Eo '[0-9]+ Warning\(s\)' "$log" | tail -1)
    if [ "$side" = contextflow ]; then
      seconds=$(analyzer_seconds "$log" "ContextFlow\.Analyzers")
    else
      seconds=$(analyzer_seconds "$log" "Microsoft\.CodeAnalysis(\.CSharp)?\.BannedApiAnalyzers")
    fi
    results[$side]="${results[$side]:-} $seconds"
    echo "run $run  $side: ${seconds} s analyzer time ($warnings)"
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ours=$(echo "${results[contextflow]}" | median)
peer=$(echo "${results[bannedapi]}" | median)
echo
echo "corpus: $(cat "$work"/src/*.cs | wc -l) lines in $(ls "$work"/src | wc -l) files; $runs runs per side"
echo "median analyzer time: ContextFlow.Analyzers ${ours} s, BannedApiAnalyzers ${peer} s"
awk -v a="$ours" -v b="$peer" 'BEGIN { if (a <= b) print "bar met: ours <= BannedApiAnalyzers"; else { print "bar NOT met: ours > BannedApiAnalyzers"; exit 1 } }'
