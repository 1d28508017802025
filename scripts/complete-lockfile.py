#!/usr/bin/env python3
"""Records platform-specific optional packages the registry mirror does not list, so `npm ci` accepts
the lock file on every platform; npm skips them by their os/cpu fields when installing here."""
import json
import re
import sys

PLATFORMS = {
    'darwin-arm64': (['darwin'], ['arm64']), 'darwin-x64': (['darwin'], ['x64']),
    'linux-arm64-musl': (['linux'], ['arm64']), 'linux-arm64': (['linux'], ['arm64']),
    'linux-arm-gnueabihf': (['linux'], ['arm']), 'linux-ppc64-gnu': (['linux'], ['ppc64']),
    'linux-s390x-gnu': (['linux'], ['s390x']), 'linux-x64-musl': (['linux'], ['x64']),
    'win32-arm64-msvc': (['win32'], ['arm64']), 'win32-ia32-msvc': (['win32'], ['ia32']),
    'win32-x64-msvc': (['win32'], ['x64']), 'win32-arm64': (['win32'], ['arm64']), 'win32-x64': (['win32'], ['x64']),
}

path = sys.argv[1] if len(sys.argv) > 1 else 'package-lock.json'
lock = json.load(open(path))
packages = lock['packages']
added = []
for owner, meta in list(packages.items()):
    for dep, version in (meta.get('optionalDependencies') or {}).items():
        if f'node_modules/{dep}' in packages or f'{owner}/node_modules/{dep}' in packages:
            continue
        platform = next((p for p in sorted(PLATFORMS, key=len, reverse=True) if dep.endswith(p)), None)
        if platform is None or not re.match(r'^\d', version):
            continue
        os_, cpu = PLATFORMS[platform]
        packages[f'node_modules/{dep}'] = {'version': version, 'cpu': cpu, 'optional': True, 'os': os_}
        added.append(dep)
lock['packages'] = dict(sorted(packages.items(), key=lambda kv: (kv[0] != '', kv[0])))
json.dump(lock, open(path, 'w'), indent=2)
open(path, 'a').write('\n')
print(f'added {len(added)} platform entries' if added else 'lock file complete')
