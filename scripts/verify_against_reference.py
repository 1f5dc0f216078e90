#!/usr/bin/env python3
"""Independent check of `inferlens frontier` on the real InferenceMAX rows in ../shared/data.

Recomputes, in plain Python and without the library, each group's frontier (the dashboard's
upper_left rule) and the Steffen (d3 curveMonotoneX) value at several interactivities, and
compares them with the CLI's JSON: frontiers must be identical, values within 1e-9 relative.
Usage: scripts/verify_against_reference.py [path/to/inferlens] [path/to/agg_bmk]
"""
import collections, glob, json, os, re, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
cli = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', 'build', 'release', 'bin', 'inferlens')
data = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, '..', '..', 'shared', 'data', 'inferencemax', 'agg_bmk')
AT = [20, 50, 75, 100, 150, 200, 300]
rows = []
for f in sorted(glob.glob(os.path.join(data, '*.json'))): rows+=json.load(open(f))
def base(hw):
    return re.split('[-_ ]', hw)[0].lower()
# A system is (model, ISL/OSL, precision, accelerator, engine, spec decoding), the model named
# canonically: the data/models.json entry whose InferenceMAX prefixes hold the row's
# infmax_model_prefix, else whose aliases hold the checkpoint's last path component.
models=json.load(open(os.path.join(here,'..','data','models.json')))['models']
def canonical(r):
    pre=r.get('infmax_model_prefix')
    for name,m in models.items():
        if pre and pre in m.get('inferencemax_prefix',[]): return name
    tail=r['model'].rstrip('/').split('/')[-1].lower()
    for name,m in models.items():
        if tail==name.lower() or tail in [a.lower() for a in m.get('aliases',[])]: return name
    return tail
groups=collections.OrderedDict()
for r in rows:
    k=(canonical(r),r['isl'],r['osl'],r['precision'],base(r['hw']),r['framework'],r['spec_decoding'])
    groups.setdefault(k,[]).append((r['median_intvty'],r['tput_per_gpu']))
def front(pts):
    pts=sorted(pts,key=lambda p:(p[0],-p[1])); f=[]
    for p in pts:
        if f and f[-1][0]==p[0]: continue
        while f and p[1]>=f[-1][1]: f.pop()
        f.append(p)
    return f
def steffen(f,x):
    n=len(f); xs=[p[0] for p in f]; ys=[p[1] for p in f]
    if x<xs[0] or x>xs[-1]: return None
    if n==1: return ys[0] if abs(x-xs[0])<=1e-6 else None
    if n==2:
        t=(x-xs[0])/(xs[1]-xs[0]); return max(0,ys[0]+t*(ys[1]-ys[0]))
    h=[xs[i+1]-xs[i] for i in range(n-1)]; s=[(ys[i+1]-ys[i])/h[i] for i in range(n-1)]
    sign=lambda v: -1 if v<0 else 1
    m=[0]*n
    for i in range(1,n-1):
        p=(s[i-1]*h[i]+s[i]*h[i-1])/(h[i-1]+h[i])
        m[i]=(sign(s[i-1])+sign(s[i]))*min(abs(s[i-1]),abs(s[i]),0.5*abs(p))
    m[0]=(3*s[0]-m[1])/2; m[-1]=(3*s[-1]-m[-2])/2
    i=max(j for j in range(n-1) if xs[j]<=x) if x<xs[-1] else n-2
    t=(x-xs[i])/h[i]
    h00=2*t**3-3*t**2+1;h10=t**3-2*t**2+t;h01=-2*t**3+3*t**2;h11=t**3-t**2
    return max(0,h00*ys[i]+h10*h[i]*m[i]+h01*ys[i+1]+h11*h[i]*m[i+1])
d=json.loads(subprocess.run([cli,'frontier',data,'--format','json','--at',','.join(map(str,AT))],check=True,capture_output=True,text=True).stdout)
bad=0; n=0
assert len(d['systems'])==len(groups),(len(d['systems']),len(groups))
for g in d['systems']:
    key=g['key']
    k=(key['model'],key['isl'],key['osl'],key['precision'],key['accelerator'],key['framework'],key['spec_decoding'])
    f=front(groups[k])
    assert len(f)==len(g['frontier']),(k,len(f),len(g['frontier']))
    for a,b in zip(f,g['frontier']):
        assert a[0]==b['row']['median_intvty'] and a[1]==b['row']['tput_per_gpu'],(k,a,b['row'])
    for a in g['at']:
        e=steffen(f,a['x']); n+=1
        if e is None: assert a.get('y') is None,(k,a)
        else:
            if abs(e-a['y'])>1e-9*abs(e): bad+=1; print(k,a,e)
print(f'{len(rows)} rows, {len(groups)} systems, frontiers identical; {n} interpolated values checked, {bad} differ by more than 1e-9 relative')
sys.exit(1 if bad else 0)
