#!/usr/bin/env bash
# Publishes a built dist/ to a release tag: commits dist/ on top of the tagged source commit (never on the branch),
# moves the release tag to that commit, and moves the major tag (v1) when this is the newest release of its major.
# Safe to re-run: the release commit is deterministic (same tree, parent, message and dates), and a tag that already
# points at a commit with this dist/ is left as it is.
# Usage: build/publish-release.sh --tag v1.2.3 --dist <folder built by build/release.sh> [--remote origin] [--trunk main]
#        [--platforms "linux-x64 win-x64 any"]
# Only --platforms go into the tag: every job that uses the action downloads the whole tag, so the tag carries the
# common runners' binaries (~20 MB compressed each) and any/, which serves every other platform through dotnet. The
# GitHub release carries them all.
# Run inside the repository's clone. Exit 2 on bad input (tag format, version mismatch, a tag not on trunk).
set -euo pipefail

tag="" dist="" remote="origin" trunk="main" platforms="linux-x64 win-x64 any"
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) tag="${2:-}"; shift 2 ;;
    --dist) dist="${2:-}"; shift 2 ;;
    --remote) remote="${2:-}"; shift 2 ;;
    --trunk) trunk="${2:-}"; shift 2 ;;
    --platforms) platforms="${2:-}"; shift 2 ;;
    *) echo "publish-release: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

fail() { echo "publish-release: $1" >&2; exit 2; }
printf '%s' "$tag" | grep -Eq '^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$' || fail "--tag must look like v1.2.3 (got '$tag')"
[ -n "$dist" ] && [ -f "$dist/VERSION" ] || fail "--dist must be a folder made by build/release.sh (no VERSION file in '$dist')"
version="${tag#v}"
[ "$(cat "$dist/VERSION")" = "$version" ] || fail "$dist/VERSION says $(cat "$dist/VERSION"), the tag says $version"

git fetch --quiet --force "$remote" "+refs/heads/$trunk:refs/remotes/$remote/$trunk" "+refs/tags/*:refs/tags/*"
tagged="$(git rev-parse --verify --quiet "refs/tags/$tag^{commit}")" || fail "no tag $tag on $remote"

# A re-run after the tag already moved: its commit carries dist/ for this version on top of the source; keep it.
release=""
if git cat-file -e "$tagged:dist/VERSION" 2> /dev/null && [ "$(git show "$tagged:dist/VERSION")" = "$version" ]; then
  release="$tagged"
  source="$(git rev-parse "$tagged^")"
else
  source="$tagged"
fi
git merge-base --is-ancestor "$source" "refs/remotes/$remote/$trunk" || fail "$tag ($source) is not on $trunk: releases are cut from trunk"

if [ -z "$release" ]; then
  if git cat-file -e "$source:dist" 2> /dev/null; then
    fail "$tag's source commit already has a dist/ folder; dist/ belongs only to release commits"
  fi
  # The source tree plus dist/, built in a private index so the working tree is untouched; fixed dates make a
  # repeated run produce the same commit.
  stage="$(mktemp -d)"
  trap 'rm -rf "$stage" "$stage.index"' EXIT
  mkdir -p "$stage/dist"
  cp "$dist/VERSION" "$stage/dist/"
  kept=""
  for platform in $platforms; do
    [ -d "$dist/$platform" ] || fail "$dist has no $platform (--platforms says it belongs in the tag)"
    cp -r "$dist/$platform" "$stage/dist/$platform"
    kept="$kept|$platform"
  done
  # The checksums of what the tag holds; the extension goes to the marketplace and the GitHub release.
  grep -E "  (VERSION|(${kept#|})/.*)\$" "$dist/SHA256SUMS" > "$stage/dist/SHA256SUMS"
  GIT_INDEX_FILE="$stage.index" git read-tree "$source"
  GIT_INDEX_FILE="$stage.index" git --work-tree="$stage" add --force dist
  tree="$(GIT_INDEX_FILE="$stage.index" git write-tree)"
  when="$(git show -s --format=%cI "$source")"
  release="$(GIT_AUTHOR_NAME="pipelines release" GIT_AUTHOR_EMAIL="release@pipelines.invalid" GIT_AUTHOR_DATE="$when" \
    GIT_COMMITTER_NAME="pipelines release" GIT_COMMITTER_EMAIL="release@pipelines.invalid" GIT_COMMITTER_DATE="$when" \
    git commit-tree "$tree" -p "$source" -m "Release $tag: prebuilt dist/ for the actions (source $source)")"
fi

refs=("refs/tags/$tag")
git tag --force "$tag" "$release" > /dev/null

# The major tag follows the newest stable release of its major; a pre-release or an older patch never moves it.
major="${tag%%.*}"
if [ "$version" = "${version%%-*}" ]; then
  newest="$(git tag --list "$major.*" | grep -E '^v[0-9]+\.[0-9]+\.[0-9]+$' | sed 's/^v//' | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1)"
  if [ "$newest" = "$version" ]; then
    git tag --force "$major" "$release" > /dev/null
    refs+=("refs/tags/$major")
  else
    echo "publish-release: $major stays on v$newest (newer than $tag)"
  fi
fi

git push --quiet --force --atomic "$remote" "${refs[@]}"
echo "published $tag at $release (source $source); moved: ${refs[*]#refs/tags/}"
