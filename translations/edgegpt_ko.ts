<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko">
<context>
    <name>edgegpt::AgentMetricsFeed</name>
    <message>
        <source>%1 refused the link settings: %2</source>
        <translation>%1이(가) 링크 설정을 거부했습니다: %2</translation>
    </message>
    <message>
        <source>%1: %2 (%3)</source>
        <translation>%1: %2 (%3)</translation>
    </message>
    <message>
        <source>%1 closed the connection</source>
        <translation>%1이(가) 연결을 닫았습니다</translation>
    </message>
    <message>
        <source>%1 sent a bad metrics update: %2</source>
        <translation>%1이(가) 잘못된 지표 업데이트를 보냈습니다: %2</translation>
    </message>
    <message>
        <source>%1 sent a bad link-settings answer: %2</source>
        <translation>%1이(가) 잘못된 링크 설정 응답을 보냈습니다: %2</translation>
    </message>
    <message>
        <source>%1 is not connected</source>
        <translation>%1이(가) 연결되어 있지 않습니다</translation>
    </message>
    <message>
        <source>%1 refused to run inputs: %2</source>
        <translation>%1이(가) 입력 실행을 거부했습니다: %2</translation>
    </message>
    <message>
        <source>%1 sent a bad status: %2</source>
        <translation>%1이(가) 잘못된 상태를 보냈습니다: %2</translation>
    </message>
    <message>
        <source>%1 sent a bad result: %2</source>
        <translation>%1이(가) 잘못된 결과를 보냈습니다: %2</translation>
    </message>
</context>
<context>
    <name>edgegpt::ConsoleOptions</name>
    <message>
        <source>EdgeGPT Testbed operator console</source>
        <translation>EdgeGPT Testbed 운영자 콘솔</translation>
    </message>
    <message>
        <source>Start the local demo fleet (device and edge agents on loopback).</source>
        <translation>로컬 데모 플릿을 시작합니다(루프백에서 디바이스 에이전트와 엣지 에이전트 실행).</translation>
    </message>
    <message>
        <source>Plan this request at start.</source>
        <translation>시작할 때 이 요청에 대한 계획을 수립합니다.</translation>
    </message>
    <message>
        <source>Plan the request (if given), let the charts fill for a few seconds, write a PNG of the window to FILE and exit.</source>
        <translation>요청이 있으면 계획을 수립하고, 차트가 몇 초 동안 채워지도록 기다린 후 창을 PNG로 FILE에 저장하고 종료합니다.</translation>
    </message>
    <message>
        <source>Quit after SECONDS.</source>
        <translation>SECONDS초 후에 종료합니다.</translation>
    </message>
    <message>
        <source>Show the hosts of this fleet file.</source>
        <translation>이 플릿 파일의 호스트를 표시합니다.</translation>
    </message>
    <message>
        <source>Open this plan file (JSON or text).</source>
        <translation>이 계획 파일(JSON 또는 텍스트)을 엽니다.</translation>
    </message>
    <message>
        <source>User interface language: en, zh_CN or ko.</source>
        <translation>사용자 인터페이스 언어: en, zh_CN 또는 ko.</translation>
    </message>
    <message>
        <source>Keep settings in this INI file instead of the user&apos;s.</source>
        <translation>사용자 설정 대신 이 INI 파일에 설정을 저장합니다.</translation>
    </message>
    <message>
        <source>--quit-after: expected a number of seconds</source>
        <translation>--quit-after: 초 단위의 숫자가 필요합니다</translation>
    </message>
    <message>
        <source>--language: expected en, zh_CN or ko</source>
        <translation>--language: en, zh_CN 또는 ko가 필요합니다</translation>
    </message>
    <message>
        <source>The demo fleet&apos;s trained model folder (edgegpt train and edgegpt bench coinference; default: the folder they use).</source>
        <translation>데모 플릿의 학습된 모델 폴더(edgegpt train 및 edgegpt bench coinference로 생성, 기본값: 이 명령들이 사용하는 폴더).</translation>
    </message>
    <message>
        <source>With --screenshot: seconds of demo data before the picture (default 6).</source>
        <translation>--screenshot과 함께 사용: 화면을 캡처하기 전에 데모 데이터를 수집할 시간(초, 기본값 6).</translation>
    </message>
    <message>
        <source>--screenshot-delay: expected a number of seconds up to 600</source>
        <translation>--screenshot-delay: 600 이하의 초 단위 숫자가 필요합니다</translation>
    </message>
    <message>
        <source>Deploy the plan (--plan) to the fleet (--fleet) without asking anyone: unknown host keys are refused unless --accept-new-host-key, no passphrase or password is asked.</source>
        <translation>아무에게도 묻지 않고 계획(--plan)을 플릿(--fleet)에 배포합니다: --accept-new-host-key가 없으면 알 수 없는 호스트 키는 거부되며, 암호 문구나 비밀번호를 묻지 않습니다.</translation>
    </message>
    <message>
        <source>Ask the fleet&apos;s devices to run inputs (after --deploy, or once their agents are connected).</source>
        <translation>플릿의 장치에 입력 실행을 요청합니다(--deploy 이후, 또는 에이전트가 연결되면).</translation>
    </message>
    <message>
        <source>The SSH config to use (default ~/.ssh/config).</source>
        <translation>사용할 SSH 설정(기본값 ~/.ssh/config).</translation>
    </message>
    <message>
        <source>A private key to authenticate with, as ssh -i.</source>
        <translation>인증에 사용할 개인 키(ssh -i와 같음).</translation>
    </message>
    <message>
        <source>The known_hosts file (default ~/.ssh/known_hosts).</source>
        <translation>known_hosts 파일(기본값 ~/.ssh/known_hosts).</translation>
    </message>
    <message>
        <source>With --deploy: accept and record the keys of hosts never seen before (a changed key is always refused).</source>
        <translation>--deploy와 함께: 처음 보는 호스트의 키를 수락하고 기록합니다(변경된 키는 항상 거부됨).</translation>
    </message>
    <message>
        <source>--deploy and --run need --fleet FILE</source>
        <translation>--deploy와 --run에는 --fleet FILE이 필요합니다</translation>
    </message>
    <message>
        <source>--deploy needs --plan FILE (or --request TEXT)</source>
        <translation>--deploy에는 --plan FILE(또는 --request TEXT)이 필요합니다</translation>
    </message>
</context>
<context>
    <name>edgegpt::ConsoleSshInteraction</name>
    <message>
        <source>Unknown host key</source>
        <translation>알 수 없는 호스트 키</translation>
    </message>
    <message>
        <source>The console has never connected to %1 before and cannot tell whether it is the host you mean. Compare the fingerprint with the one its administrator gives you (ssh-keygen -l -f /etc/ssh/ssh_host_*_key.pub on the host).</source>
        <translation>콘솔은 %1에 연결한 적이 없어 의도한 호스트인지 알 수 없습니다. 관리자가 알려 준 지문과 비교하십시오(호스트에서 ssh-keygen -l -f /etc/ssh/ssh_host_*_key.pub).</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>호스트:</translation>
    </message>
    <message>
        <source>Key type:</source>
        <translation>키 유형:</translation>
    </message>
    <message>
        <source>SHA-256 fingerprint:</source>
        <translation>SHA-256 지문:</translation>
    </message>
    <message>
        <source>Remembered in:</source>
        <translation>기록 위치:</translation>
    </message>
    <message>
        <source>Refuse</source>
        <translation>거부</translation>
    </message>
    <message>
        <source>Accept once</source>
        <translation>이번만 수락</translation>
    </message>
    <message>
        <source>Trust this key until the console closes; known_hosts is not changed</source>
        <translation>콘솔을 닫을 때까지 이 키를 신뢰합니다. known_hosts는 바뀌지 않습니다</translation>
    </message>
    <message>
        <source>Accept and remember</source>
        <translation>수락하고 기억</translation>
    </message>
    <message>
        <source>Record the key in %1</source>
        <translation>키를 %1에 기록</translation>
    </message>
    <message>
        <source>Asking whether to trust the host key of %1 (%2 %3).</source>
        <translation>%1의 호스트 키(%2 %3)를 신뢰할지 묻는 중입니다.</translation>
    </message>
    <message>
        <source>Refused the host key of %1.</source>
        <translation>%1의 호스트 키를 거부했습니다.</translation>
    </message>
    <message>
        <source>Accepted the host key of %1 for this session.</source>
        <translation>이 세션 동안 %1의 호스트 키를 수락했습니다.</translation>
    </message>
    <message>
        <source>Accepted and remembered the host key of %1.</source>
        <translation>%1의 호스트 키를 수락하고 기억했습니다.</translation>
    </message>
    <message>
        <source>Key passphrase</source>
        <translation>키 암호 문구</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>비밀번호</translation>
    </message>
    <message>
        <source>The passphrase of the key %1:</source>
        <translation>키 %1의 암호 문구:</translation>
    </message>
    <message>
        <source>The password of %1:</source>
        <translation>%1의 비밀번호:</translation>
    </message>
    <message>
        <source>Asking for the passphrase of %1.</source>
        <translation>%1의 암호 문구를 묻는 중입니다.</translation>
    </message>
    <message>
        <source>Asking for the password of %1.</source>
        <translation>%1의 비밀번호를 묻는 중입니다.</translation>
    </message>
</context>
<context>
    <name>edgegpt::DemoController</name>
    <message>
        <source>Demo fleet: %1</source>
        <translation>데모 플릿: %1</translation>
    </message>
    <message>
        <source>The demo fleet failed: %1</source>
        <translation>데모 플릿 오류: %1</translation>
    </message>
    <message>
        <source>Demo fleet stopped.</source>
        <translation>데모 플릿이 중지되었습니다.</translation>
    </message>
    <message>
        <source>[%1] exited with code %2</source>
        <translation>[%1] 종료됨, 종료 코드 %2</translation>
    </message>
    <message>
        <source>The %1 agent ended (code %2); see the log. Start the demo again to retry.</source>
        <translation>%1 에이전트가 종료되었습니다(코드 %2). 로그를 확인하십시오. 다시 시도하려면 데모를 다시 시작하십시오.</translation>
    </message>
    <message>
        <source>Receiving metrics from %1 at %2.</source>
        <translation>%2의 %1에서 지표를 수신하고 있습니다.</translation>
    </message>
    <message>
        <source>Metrics of %1: %2 (retrying)</source>
        <translation>%1의 지표: %2 (재시도 중)</translation>
    </message>
    <message>
        <source>The device&apos;s uplink now runs at %1 KB/s.</source>
        <translation>디바이스의 업링크가 이제 %1 KB/s로 동작합니다.</translation>
    </message>
    <message>
        <source>EDGEGPT_CLI names %1, which is not a program</source>
        <translation>EDGEGPT_CLI가 가리키는 %1은(는) 실행 파일이 아닙니다</translation>
    </message>
    <message>
        <source>PATH</source>
        <translation>PATH</translation>
    </message>
    <message>
        <source>the edgegpt command line was not found (looked in %1)</source>
        <translation>edgegpt 명령줄 도구를 찾을 수 없습니다(찾아본 위치: %1)</translation>
    </message>
    <message>
        <source>Cannot change the link rate: %1</source>
        <translation>링크 속도를 변경할 수 없습니다: %1</translation>
    </message>
    <message>
        <source>The demo fleet is still stopping; start it again in a moment.</source>
        <translation>데모 플릿이 아직 중지되는 중입니다. 잠시 후에 다시 시작하십시오.</translation>
    </message>
    <message>
        <source>Demo model in %1: %2</source>
        <translation>%1의 데모 모델: %2</translation>
    </message>
    <message>
        <source>The demo needs a trained model in %1. Train it (Demo ▸ Train the demo model) or choose another folder in the settings.</source>
        <translation>데모를 실행하려면 %1에 학습된 모델이 있어야 합니다. 모델을 학습하거나(데모 ▸ 데모 모델 학습) 설정에서 다른 폴더를 선택하십시오.</translation>
    </message>
    <message>
        <source>The demo cannot start: %1</source>
        <translation>데모를 시작할 수 없습니다: %1</translation>
    </message>
    <message>
        <source>Starting the local edge and device agents…</source>
        <translation>로컬 엣지 에이전트와 디바이스 에이전트를 시작하는 중…</translation>
    </message>
    <message>
        <source>Stopping the demo fleet…</source>
        <translation>데모 플릿을 중지하는 중…</translation>
    </message>
    <message>
        <source>Demo stopped.</source>
        <translation>데모가 중지되었습니다.</translation>
    </message>
    <message>
        <source>Stop the demo before training a new model.</source>
        <translation>새 모델을 학습하기 전에 데모를 중지하십시오.</translation>
    </message>
    <message>
        <source>Cannot train: %1</source>
        <translation>학습할 수 없습니다: %1</translation>
    </message>
    <message>
        <source>Training the demo model in %1 with %2.</source>
        <translation>%2(으)로 %1에서 데모 모델을 학습합니다.</translation>
    </message>
    <message>
        <source>Training the demo model…</source>
        <translation>데모 모델을 학습하는 중…</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>%1을(를) 시작할 수 없습니다: %2</translation>
    </message>
    <message>
        <source>Measuring the model&apos;s split profile: %1</source>
        <translation>모델의 분할 프로필을 측정하는 중: %1</translation>
    </message>
    <message>
        <source>Training cancelled; the demo still needs a trained model.</source>
        <translation>학습이 취소되었습니다. 데모에는 여전히 학습된 모델이 필요합니다.</translation>
    </message>
    <message>
        <source>exit code %1</source>
        <translation>종료 코드 %1</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>학습 실패: %1</translation>
    </message>
    <message>
        <source>Measuring the model&apos;s split profile…</source>
        <translation>모델의 분할 프로필을 측정하는 중…</translation>
    </message>
    <message>
        <source>The demo model is ready in %1.</source>
        <translation>%1에 데모 모델이 준비되었습니다.</translation>
    </message>
    <message>
        <source>The demo model is ready.</source>
        <translation>데모 모델이 준비되었습니다.</translation>
    </message>
    <message>
        <source>split %1</source>
        <translation>분할 지점 %1</translation>
    </message>
    <message>
        <source>: %1 ms expected at %2 KB/s</source>
        <translation>: %2 KB/s에서 예상 %1ms</translation>
    </message>
    <message>
        <source>uplink %1 KB/s, delay %2 ms, jitter %3 ms, loss %4 (set by %5)</source>
        <translation>업링크 %1 KB/s, 지연 시간 %2ms, 지터 %3ms, 손실률 %4 (%5이(가) 설정)</translation>
    </message>
    <message>
        <source>lost the edge: %1</source>
        <translation>엣지와의 연결 끊김: %1</translation>
    </message>
    <message>
        <source>the edge is back</source>
        <translation>엣지가 다시 연결됨</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>오류: %1</translation>
    </message>
    <message>
        <source>device ×%1 (Jetson Nano)</source>
        <translation>디바이스 ×%1 (Jetson Nano)</translation>
    </message>
    <message>
        <source>device ×%1 (Jetson AGX Orin)</source>
        <translation>디바이스 ×%1 (Jetson AGX Orin)</translation>
    </message>
    <message>
        <source>device ×%1 (presenter setting)</source>
        <translation>디바이스 ×%1 (발표자 설정)</translation>
    </message>
    <message>
        <source>device ×%1 (custom setting)</source>
        <translation>디바이스 ×%1 (사용자 지정 설정)</translation>
    </message>
    <message>
        <source>no profile.json in %1</source>
        <translation>%1에 profile.json이 없습니다</translation>
    </message>
    <message>
        <source>%1 lists no split points</source>
        <translation>%1에 분할 지점이 없습니다</translation>
    </message>
    <message>
        <source>no split of %1 stays within the accuracy budget</source>
        <translation>%1의 어떤 분할 지점도 정확도 허용 범위 안에 들지 않습니다</translation>
    </message>
    <message>
        <source>no split profile</source>
        <translation>분할 프로필이 없습니다</translation>
    </message>
    <message>
        <source>Restarting the device agent as %1 (the edge agent keeps running).</source>
        <translation>디바이스 에이전트를 %1(으)로 다시 시작합니다(엣지 에이전트는 계속 실행됩니다).</translation>
    </message>
    <message>
        <source>Restarting the device agent as %1…</source>
        <translation>디바이스 에이전트를 %1(으)로 다시 시작하는 중…</translation>
    </message>
    <message>
        <source>Demo running with the device agent as %1.</source>
        <translation>데모 실행 중: 디바이스 에이전트는 %1입니다.</translation>
    </message>
    <message>
        <source>Starting the demo fleet: %1 with the model in %2, uplink %3 KB/s, %4 (--slowdown %5, --codec-slowdown %6).</source>
        <translation>데모 플릿을 시작합니다: %1, 모델 위치 %2, 업링크 %3 KB/s, %4 (--slowdown %5, --codec-slowdown %6).</translation>
    </message>
    <message>
        <source>Demo running: the device agent (%3) sends %1 inputs a second to the edge agent over a %2 KB/s uplink.</source>
        <translation>데모 실행 중: 디바이스 에이전트(%3)가 %2 KB/s 업링크로 엣지 에이전트에 초당 %1개의 입력을 보냅니다.</translation>
    </message>
    <message>
        <source>measured no input codec</source>
        <translation>측정된 입력 코덱이 없습니다</translation>
    </message>
    <message>
        <source>measured %1 input codecs on this computer: %2 %3 ms … %4 %5 ms to encode</source>
        <translation>이 컴퓨터에서 입력 코덱 %1개의 인코딩 시간을 측정했습니다: %2 %3 ms … %4 %5 ms</translation>
    </message>
    <message>
        <source>at no device speed from ×%1 to ×%2 does the best split of %3 at %4 KB/s change</source>
        <translation>장치 속도 ×%1부터 ×%2까지 어디에서도 %4 KB/s에서 %3의 최적 분할 지점이 바뀌지 않습니다</translation>
    </message>
    <message>
        <source>Presenter setting: with the device&apos;s %1 ms round trip the split no longer changes in the middle of the slider at ×%2; it does at ×%3, so the device agent restarts.</source>
        <translation>발표자 설정: 장치의 왕복 시간이 %1 ms이면 ×%2에서는 분할 지점이 더 이상 슬라이더 중간에서 바뀌지 않고 ×%3에서는 바뀌므로, 장치 에이전트를 다시 시작합니다.</translation>
    </message>
    <message>
        <source>Training the demo model: epoch %1/%2, batch %3/%4, loss %5, accuracy %6%, about %7 s left</source>
        <translation>데모 모델 학습 중: 에포크 %1/%2, 배치 %3/%4, 손실 %5, 정확도 %6%, 약 %7초 남음</translation>
    </message>
</context>
<context>
    <name>edgegpt::DemoPanel</name>
    <message>
        <source>Demo fleet: stopped</source>
        <translation>데모 플릿: 중지됨</translation>
    </message>
    <message>
        <source>Start demo</source>
        <translation>데모 시작</translation>
    </message>
    <message>
        <source>Start or stop the local device and edge agents</source>
        <translation>로컬 디바이스 에이전트와 엣지 에이전트를 시작하거나 중지합니다</translation>
    </message>
    <message>
        <source>Train the demo model</source>
        <translation>데모 모델 학습</translation>
    </message>
    <message>
        <source>Runs edgegpt train and edgegpt bench coinference into the model folder</source>
        <translation>edgegpt train과 edgegpt bench coinference를 실행하여 모델 폴더에 저장합니다</translation>
    </message>
    <message>
        <source>Full training (4 epochs, a few minutes)</source>
        <translation>전체 학습(4 에포크, 몇 분 소요)</translation>
    </message>
    <message>
        <source>Quick training (1 epoch on 6000 images, about a minute)</source>
        <translation>빠른 학습(이미지 6000장으로 1 에포크, 약 1분)</translation>
    </message>
    <message>
        <source>Uplink (emulated)</source>
        <translation>업링크(에뮬레이션)</translation>
    </message>
    <message>
        <source>emulated: %1</source>
        <translation>에뮬레이션: %1</translation>
    </message>
    <message>
        <source>The device agent&apos;s uplink rate, changed live (100–500 KB/s)</source>
        <translation>디바이스 에이전트의 업링크 속도로, 실시간으로 변경됩니다(100–500 KB/s)</translation>
    </message>
    <message>
        <source>%1 KB/s</source>
        <translation>%1 KB/s</translation>
    </message>
    <message>
        <source>Stop demo</source>
        <translation>데모 중지</translation>
    </message>
    <message>
        <source>Cancel training</source>
        <translation>학습 취소</translation>
    </message>
    <message>
        <source>Demo fleet: needs a trained model</source>
        <translation>데모 플릿: 학습된 모델 필요</translation>
    </message>
    <message>
        <source>Demo fleet: training the model</source>
        <translation>데모 플릿: 모델 학습 중</translation>
    </message>
    <message>
        <source>Demo fleet: starting</source>
        <translation>데모 플릿: 시작 중</translation>
    </message>
    <message>
        <source>Demo fleet: running</source>
        <translation>데모 플릿: 실행 중</translation>
    </message>
    <message>
        <source>Demo fleet: stopping</source>
        <translation>데모 플릿: 중지 중</translation>
    </message>
    <message>
        <source>Demo fleet: failed</source>
        <translation>데모 플릿: 실패</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:#56616e&apos;&gt;waiting for the first inference…&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#56616e&apos;&gt;첫 번째 추론을 기다리는 중…&lt;/span&gt;</translation>
    </message>
    <message>
        <source>split &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>분할 지점 &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; B per inference</source>
        <translation>추론당 &lt;b&gt;%1&lt;/b&gt; B</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; ms end to end</source>
        <translation>엔드투엔드 &lt;b&gt;%1&lt;/b&gt; ms</translation>
    </message>
    <message>
        <source>link estimate &lt;b&gt;%1&lt;/b&gt; KB/s</source>
        <translation>링크 속도 추정치 &lt;b&gt;%1&lt;/b&gt; KB/s</translation>
    </message>
    <message>
        <source>in effect: %1 KB/s</source>
        <translation>적용됨: %1 KB/s</translation>
    </message>
    <message>
        <source>Device speed</source>
        <translation>디바이스 속도</translation>
    </message>
    <message>
        <source>Jetson Nano (GPU 150.8× slower than an RTX 3090; image always sent)</source>
        <translation>Jetson Nano (GPU가 RTX 3090보다 150.8배 느림, 항상 이미지 전송)</translation>
    </message>
    <message>
        <source>RTX 3090 35.58 TFLOPS / Jetson Nano 0.236 TFLOPS (FP32 peaks); codecs 4× slower on its 1.43 GHz Cortex-A57. Sending the image wins at every rate of the slider.</source>
        <translation>RTX 3090 35.58 TFLOPS / Jetson Nano 0.236 TFLOPS (FP32 최대 성능), 코덱은 1.43 GHz Cortex-A57에서 4배 느림. 슬라이더의 모든 속도에서 이미지를 보내는 것이 가장 빠릅니다.</translation>
    </message>
    <message>
        <source>Jetson AGX Orin (6.7×: 35.58 / 5.32 TFLOPS)</source>
        <translation>Jetson AGX Orin (6.7배: 35.58 / 5.32 TFLOPS)</translation>
    </message>
    <message>
        <source>RTX 3090 35.58 TFLOPS / Jetson AGX Orin 64GB 5.32 TFLOPS (FP32 peaks); codecs 2× slower on its 2.2 GHz Cortex-A78AE.</source>
        <translation>RTX 3090 35.58 TFLOPS / Jetson AGX Orin 64GB 5.32 TFLOPS (FP32 최대 성능), 코덱은 2.2 GHz Cortex-A78AE에서 2배 느림.</translation>
    </message>
    <message>
        <source>Custom factor</source>
        <translation>사용자 지정 배수</translation>
    </message>
    <message>
        <source>Model compute and codecs both this many times slower than this computer.</source>
        <translation>모델 연산과 코덱 모두 이 컴퓨터보다 이 배수만큼 느립니다.</translation>
    </message>
    <message>
        <source>How much slower than this computer the device agent runs; changing it restarts only the device agent</source>
        <translation>디바이스 에이전트가 이 컴퓨터보다 얼마나 느리게 실행되는지입니다. 바꾸면 디바이스 에이전트만 다시 시작합니다</translation>
    </message>
    <message>
        <source>×</source>
        <translation>×</translation>
    </message>
    <message>
        <source>Custom factor: the device is this many times slower than the edge</source>
        <translation>사용자 지정 배수: 디바이스가 엣지 서버보다 이 배수만큼 느립니다</translation>
    </message>
    <message>
        <source>The device agent runs with --slowdown %1 --codec-slowdown %2</source>
        <translation>디바이스 에이전트는 --slowdown %1 --codec-slowdown %2 로 실행됩니다</translation>
    </message>
    <message>
        <source>expected: — (%1)</source>
        <translation>예상: — (%1)</translation>
    </message>
    <message>
        <source>expected at %1 KB/s: &lt;b&gt;%2&lt;/b&gt;</source>
        <translation>%1 KB/s에서 예상: &lt;b&gt;%2&lt;/b&gt;</translation>
    </message>
    <message>
        <source> (%1 ms)</source>
        <translation> (%1 ms)</translation>
    </message>
    <message>
        <source>Expected: what the model&apos;s profile predicts at the slider&apos;s rate with the device speed (SplitPlanner), with a round trip of %1 ms (the device agent&apos;s measurement; 0 until it reports one). In use: what the device agent reports it chose from its own estimate of the link, which follows the slider over a few seconds.</source>
        <translation>예상: 슬라이더 속도와 디바이스 속도에서 모델의 분할 프로필이 예측한 값(SplitPlanner)이며, 왕복 시간은 %1 ms입니다(디바이스 에이전트의 측정값, 보고 전에는 0). 사용 중: 디바이스 에이전트가 자신의 링크 추정으로 선택했다고 보고한 값이며, 이 추정은 몇 초에 걸쳐 슬라이더를 따라갑니다.</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; at %2 KB/s and below</source>
        <translation>%2 KB/s 이하에서는 &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; from %2 KB/s</source>
        <translation>%2 KB/s부터 &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>the same over %1–%2 KB/s</source>
        <translation>%1–%2 KB/s 전체에서 동일</translation>
    </message>
    <message>
        <source>in use: &lt;span style=&apos;color:#56616e&apos;&gt;waiting for the device agent&lt;/span&gt;</source>
        <translation>사용 중: &lt;span style=&apos;color:#56616e&apos;&gt;디바이스 에이전트를 기다리는 중&lt;/span&gt;</translation>
    </message>
    <message>
        <source>in use: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>사용 중: &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>, </source>
        <extracomment>Between the expected split and where it changes (&quot;…, input from 150 KB/s&quot;).</extracomment>
        <translation>, </translation>
    </message>
    <message>
        <source>Presenter: tuned to this computer</source>
        <translation>발표자: 이 컴퓨터에 맞춰 조정</translation>
    </message>
    <message>
        <source>Not a real board: model and codecs both slowed by the factor at which this model&apos;s best split changes near %1 KB/s, given this computer&apos;s measured round trip and codec times (about 2× on an idle machine). The label says which factor runs.</source>
        <translation>실제 보드가 아닙니다: 이 컴퓨터에서 측정한 왕복 시간과 코덱 시간을 기준으로, 이 모델의 최적 분할 지점이 %1 KB/s 부근에서 바뀌는 배수만큼 모델과 코덱을 함께 느리게 합니다(유휴 상태의 컴퓨터에서 약 2×). 옆의 레이블이 실제로 적용되는 배수를 알려 줍니다.</translation>
    </message>
</context>
<context>
    <name>edgegpt::FlCurveChart</name>
    <message>
        <source>Test accuracy per round</source>
        <translation>라운드별 테스트 정확도</translation>
    </message>
    <message>
        <source>round</source>
        <translation>라운드</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>정확도 (%)</translation>
    </message>
    <message>
        <source>baseline</source>
        <translation>기준선</translation>
    </message>
    <message>
        <source>attempt %1</source>
        <translation>시도 %1</translation>
    </message>
</context>
<context>
    <name>edgegpt::FlPanel</name>
    <message>
        <source>What the model is for, e.g. a size limit</source>
        <translation>모델의 용도, 예: 크기 제한</translation>
    </message>
    <message>
        <source>The request the planner reads, e.g. &quot;a clothing classifier for a Jetson Nano, under 1 MB&quot;</source>
        <translation>플래너가 읽는 요청, 예: &quot;a clothing classifier for a Jetson Nano, under 1 MB&quot;</translation>
    </message>
    <message>
        <source>Local rules</source>
        <translation>로컬 규칙</translation>
    </message>
    <message>
        <source>LLM</source>
        <translation>LLM</translation>
    </message>
    <message>
        <source>Who proposes each configuration: our rule-based proposer, or the LLM endpoint of the settings (OPENAI_BASE_URL)</source>
        <translation>각 구성을 제안하는 쪽: 규칙 기반 제안기, 또는 설정의 LLM 엔드포인트 (OPENAI_BASE_URL)</translation>
    </message>
    <message>
        <source>At most this many attempts</source>
        <translation>최대 시도 횟수</translation>
    </message>
    <message>
        <source>Device agents started for each attempt</source>
        <translation>시도마다 시작하는 디바이스 에이전트 수</translation>
    </message>
    <message>
        <source>The baseline&apos;s FedAvg rounds</source>
        <translation>기준선의 FedAvg 라운드 수</translation>
    </message>
    <message>
        <source>Training images on each device</source>
        <translation>디바이스마다 훈련 이미지 수</translation>
    </message>
    <message>
        <source>Dirichlet α of the devices&apos; class mix: small α, few classes each</source>
        <translation>디바이스 클래스 분포의 디리클레 α: α가 작을수록 디바이스마다 클래스가 적음</translation>
    </message>
    <message>
        <source>Stop starting attempts after this many seconds; each attempt gets an equal share (0: no limit)</source>
        <translation>이 시간(초)이 지나면 새 시도를 시작하지 않음. 각 시도는 같은 몫을 받음 (0: 제한 없음)</translation>
    </message>
    <message>
        <source> s</source>
        <translation>초</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>제한 없음</translation>
    </message>
    <message>
        <source>default: the models folder&apos;s fl-tune</source>
        <translation>기본값: 모델 폴더의 fl-tune</translation>
    </message>
    <message>
        <source>Where the attempts&apos; models are saved</source>
        <translation>시도별 모델을 저장할 위치</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>요청</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>시도 횟수</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>시간 예산</translation>
    </message>
    <message>
        <source>Planner</source>
        <translation>플래너</translation>
    </message>
    <message>
        <source>Rounds</source>
        <translation>라운드 수</translation>
    </message>
    <message>
        <source>Images each</source>
        <translation>디바이스당 이미지</translation>
    </message>
    <message>
        <source>α</source>
        <translation>α</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>디바이스</translation>
    </message>
    <message>
        <source>Work folder</source>
        <translation>작업 폴더</translation>
    </message>
    <message>
        <source>Start tuning</source>
        <translation>튜닝 시작</translation>
    </message>
    <message>
        <source>Run edgegpt fl tune with these settings</source>
        <translation>이 설정으로 edgegpt fl tune 실행</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>중지</translation>
    </message>
    <message>
        <source>End the tuning, its running attempt and that attempt&apos;s agents</source>
        <translation>튜닝과 실행 중인 시도, 그 시도의 에이전트를 종료</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>너비</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>옵티마이저</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>학습률</translation>
    </message>
    <message>
        <source>Local epochs</source>
        <translation>로컬 에포크</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>배치</translation>
    </message>
    <message>
        <source>Class-balanced loss</source>
        <translation>클래스 균형 손실</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>이유</translation>
    </message>
    <message>
        <source>Final accuracy</source>
        <translation>최종 정확도</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>시간</translation>
    </message>
    <message>
        <source>Model size</source>
        <translation>모델 크기</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>결과</translation>
    </message>
    <message>
        <source>Attempt</source>
        <translation>시도</translation>
    </message>
    <message>
        <source>Round</source>
        <translation>라운드</translation>
    </message>
    <message>
        <source>Devices (reported / sent)</source>
        <translation>디바이스 (보고 / 전송)</translation>
    </message>
    <message>
        <source>Left out</source>
        <translation>제외됨</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>정확도</translation>
    </message>
    <message>
        <source>Round time</source>
        <translation>라운드 시간</translation>
    </message>
    <message>
        <source>Configurations</source>
        <translation>구성</translation>
    </message>
    <message>
        <source>Devices per round</source>
        <translation>라운드별 디바이스</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>메시지</translation>
    </message>
    <message>
        <source>Unreadable output: %1</source>
        <translation>읽을 수 없는 출력: %1</translation>
    </message>
    <message>
        <source>Unreadable output line (%1): %2</source>
        <translation>읽을 수 없는 출력 줄 (%1): %2</translation>
    </message>
    <message>
        <source>fl tune: %1</source>
        <translation>fl tune: %1</translation>
    </message>
    <message>
        <source>Cannot tune: %1</source>
        <translation>튜닝할 수 없음: %1</translation>
    </message>
    <message>
        <source>Set the request and press Start: each attempt trains with real device agents on this computer.</source>
        <translation>요청을 입력하고 시작을 누르세요. 각 시도는 이 컴퓨터에서 실제 디바이스 에이전트로 학습합니다.</translation>
    </message>
    <message>
        <source>Type a request first: what the model is for.</source>
        <translation>먼저 요청을 입력하세요: 모델의 용도.</translation>
    </message>
    <message>
        <source>Devices × images each must be at most 60000 (the training set).</source>
        <translation>디바이스 수 × 디바이스당 이미지 수는 60000(훈련 세트) 이하여야 합니다.</translation>
    </message>
    <message>
        <source>Federated tuning: %1</source>
        <translation>연합 튜닝: %1</translation>
    </message>
    <message>
        <source>Tuning started: asking the planner for the first configuration…</source>
        <translation>튜닝 시작: 플래너에 첫 구성을 요청하는 중…</translation>
    </message>
    <message>
        <source>Stopping the tuning and its agents…</source>
        <translation>튜닝과 에이전트를 중지하는 중…</translation>
    </message>
    <message>
        <source>Baseline</source>
        <translation>기준선</translation>
    </message>
    <message>
        <source>Attempt %1</source>
        <translation>시도 %1</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>예</translation>
    </message>
    <message>
        <source>no</source>
        <translation>아니요</translation>
    </message>
    <message>
        <source>running…</source>
        <translation>실행 중…</translation>
    </message>
    <message>
        <source>%1, %2 lr %3</source>
        <translation>%1, %2 학습률 %3</translation>
    </message>
    <message>
        <source>baseline: %1</source>
        <translation>기준선: %1</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Measuring the baseline: %1</source>
        <translation>기준선 측정 중: %1</translation>
    </message>
    <message>
        <source>Attempt %1 of %2: %3</source>
        <translation>시도 %1/%2: %3</translation>
    </message>
    <message>
        <source>Federated tuning, attempt %1: %2 (%3)</source>
        <translation>연합 튜닝, 시도 %1: %2 (%3)</translation>
    </message>
    <message>
        <source>baseline</source>
        <translation>기준선</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>%1%</source>
        <translation>%1%</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1초</translation>
    </message>
    <message>
        <source>Attempt %1, round %2: %3% with %4 device(s)%5</source>
        <translation>시도 %1, 라운드 %2: %3%, 디바이스 %4대%5</translation>
    </message>
    <message>
        <source>; left out: %1</source>
        <translation>; 제외됨: %1</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>done</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>실패: %1</translation>
    </message>
    <message>
        <source>Federated tuning, attempt %1: %2% in %3 s</source>
        <translation>연합 튜닝, 시도 %1: %2%, %3초</translation>
    </message>
    <message>
        <source>Federated tuning, attempt %1 failed: %2</source>
        <translation>연합 튜닝, 시도 %1 실패: %2</translation>
    </message>
    <message>
        <source>Attempt %1 ★ best</source>
        <translation>시도 %1 ★ 최고</translation>
    </message>
    <message>
        <source>Best: attempt %1 with %2% (baseline %3%).</source>
        <translation>최고: 시도 %1, %2% (기준선 %3%).</translation>
    </message>
    <message>
        <source>Tuning stopped; its agents were ended.</source>
        <translation>튜닝이 중지되었습니다. 에이전트도 종료되었습니다.</translation>
    </message>
    <message>
        <source>fl tune crashed.</source>
        <translation>fl tune이 비정상 종료되었습니다.</translation>
    </message>
    <message>
        <source>fl tune failed (exit %1).</source>
        <translation>fl tune 실패 (종료 코드 %1).</translation>
    </message>
    <message>
        <source>fl tune failed: %1</source>
        <translation>fl tune 실패: %1</translation>
    </message>
    <message>
        <source>Tuning done: attempt %1 is the best (%2).</source>
        <translation>튜닝 완료: 시도 %1이 최고 (%2).</translation>
    </message>
    <message>
        <source>fl tune ended without a result.</source>
        <translation>fl tune이 결과 없이 끝났습니다.</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>중지됨</translation>
    </message>
    <message>
        <source>did not finish</source>
        <translation>완료되지 않음</translation>
    </message>
    <message numerus="yes">
        <source>%n unreadable output line(s), see Messages.</source>
        <translation>
            <numerusform>읽을 수 없는 출력 %n줄, 메시지를 참조하세요.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>edgegpt::FlTuneProcess</name>
    <message>
        <source>not JSON (%1)</source>
        <translation>JSON이 아님 (%1)</translation>
    </message>
    <message>
        <source>not a JSON object</source>
        <translation>JSON 객체가 아님</translation>
    </message>
    <message>
        <source>a final line without a numeric best_attempt, best_accuracy and baseline_accuracy</source>
        <translation>최종 줄에 숫자 best_attempt, best_accuracy, baseline_accuracy가 없음</translation>
    </message>
    <message>
        <source>not a line of fl tune&apos;s output (no attempt or best_attempt)</source>
        <translation>fl tune 출력 줄이 아님 (attempt 또는 best_attempt 없음)</translation>
    </message>
    <message>
        <source>attempt is not a count</source>
        <translation>attempt가 개수가 아님</translation>
    </message>
    <message>
        <source>a round line without a round from 1, a numeric accuracy and a device count</source>
        <translation>라운드 줄에 1부터의 라운드, 숫자 정확도, 디바이스 수가 없음</translation>
    </message>
    <message>
        <source>an attempt&apos;s start without its config</source>
        <translation>시도 시작 줄에 config가 없음</translation>
    </message>
    <message>
        <source>an attempt line without its config, final_accuracy, seconds and model_bytes</source>
        <translation>시도 줄에 config, final_accuracy, seconds, model_bytes가 없음</translation>
    </message>
    <message>
        <source>an attempt line that is neither a start, a round nor a result</source>
        <translation>시작도, 라운드도, 결과도 아닌 시도 줄</translation>
    </message>
    <message>
        <source>a tuning is already running</source>
        <translation>이미 튜닝이 실행 중입니다</translation>
    </message>
    <message>
        <source>cannot start %1: %2</source>
        <translation>%1을(를) 시작할 수 없음: %2</translation>
    </message>
    <message>
        <source>a line longer than 64 KiB was dropped</source>
        <translation>64 KiB보다 긴 줄을 버렸습니다</translation>
    </message>
</context>
<context>
    <name>edgegpt::FleetDeployController</name>
    <message>
        <source>the fleet names no token file</source>
        <translation>플릿에 토큰 파일이 지정되지 않았습니다</translation>
    </message>
    <message>
        <source>Created a fleet token in %1 (keep it secret).</source>
        <translation>%1에 플릿 토큰을 만들었습니다(비밀로 유지하십시오).</translation>
    </message>
    <message>
        <source>Cannot record the accepted host keys in %1: %2</source>
        <translation>수락한 호스트 키를 %1에 기록할 수 없습니다: %2</translation>
    </message>
    <message numerus="yes">
        <source>Recorded %n host key(s) in %1.</source>
        <translation>
            <numerusform>호스트 키 %n개를 %1에 기록했습니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>no fleet file is open</source>
        <translation>열린 플릿 파일이 없습니다</translation>
    </message>
    <message>
        <source>a deployment is already running</source>
        <translation>이미 배포가 진행 중입니다</translation>
    </message>
    <message>
        <source>Leaving out %1 (%2): not runnable here: %3</source>
        <translation>%1(%2) 제외: 여기서 실행할 수 없음: %3</translation>
    </message>
    <message>
        <source>no edgegpt-agent next to the console (%1)</source>
        <translation>콘솔 옆에 edgegpt-agent가 없습니다(%1)</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1을(를) 쓸 수 없습니다: %2</translation>
    </message>
    <message>
        <source>not deployed: the plan gives this device nothing it can run</source>
        <translation>배포 안 됨: 계획에 이 장치가 실행할 수 있는 것이 없습니다</translation>
    </message>
    <message>
        <source>the plan gives no host of the fleet anything to run</source>
        <translation>계획에 플릿의 어떤 호스트도 실행할 것이 없습니다</translation>
    </message>
    <message>
        <source>waiting to connect</source>
        <translation>연결 대기 중</translation>
    </message>
    <message>
        <source>Deployment cancelled.</source>
        <translation>배포가 취소되었습니다.</translation>
    </message>
    <message>
        <source>Deployed: every host of %1 is running its agent.</source>
        <translation>배포 완료: %1의 모든 호스트에서 에이전트가 실행 중입니다.</translation>
    </message>
    <message numerus="yes">
        <source>Deployment: %1 of %n host(s) running; the fleet dock and the log say why.</source>
        <translation>
            <numerusform>배포: 호스트 %n대 중 %1대 실행 중. 이유는 플릿 패널과 로그에 있습니다.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Deploying the plan to %n host(s)…</source>
        <translation>
            <numerusform>호스트 %n개에 계획을 배포하는 중…</numerusform>
        </translation>
    </message>
    <message>
        <source>Deployment cancelled by the operator; the hosts finish their current step, then the agents it started are stopped.</source>
        <translation>운영자가 배포를 취소했습니다. 호스트가 현재 단계를 마치면 이 배포가 시작한 에이전트를 중지합니다.</translation>
    </message>
    <message>
        <source>Cancelling the deployment…</source>
        <translation>배포를 취소하는 중…</translation>
    </message>
    <message>
        <source>done</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>Cannot connect to %1&apos;s agent: %2</source>
        <translation>%1의 에이전트에 연결할 수 없습니다: %2</translation>
    </message>
    <message>
        <source>%1: connected to its agent; metrics follow.</source>
        <translation>%1: 에이전트에 연결됨. 메트릭이 이어집니다.</translation>
    </message>
    <message>
        <source>%1: agent connection lost: %2</source>
        <translation>%1: 에이전트 연결 끊김: %2</translation>
    </message>
    <message>
        <source>%1: running inputs until stopped.</source>
        <translation>%1: 중지할 때까지 입력을 실행합니다.</translation>
    </message>
    <message>
        <source>%1: running %2 input(s).</source>
        <translation>%1: 입력 %2개 실행 중.</translation>
    </message>
    <message>
        <source>%1: run ended: %2 answered, %3 failed.</source>
        <translation>%1: 실행 종료: %2개 응답, %3개 실패.</translation>
    </message>
    <message>
        <source>%1 is not connected</source>
        <translation>%1이(가) 연결되어 있지 않습니다</translation>
    </message>
    <message>
        <source>the fleet has no device host</source>
        <translation>플릿에 장치 호스트가 없습니다</translation>
    </message>
</context>
<context>
    <name>edgegpt::FleetView</name>
    <message>
        <source>Host</source>
        <translation>호스트</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>역할</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>클래스</translation>
    </message>
    <message>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>주소</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>진행</translation>
    </message>
    <message>
        <source>Resident models</source>
        <translation>상주 모델</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>요청</translation>
    </message>
    <message>
        <source>Show the log tail of %1</source>
        <translation>%1의 로그 끝부분 보기</translation>
    </message>
    <message>
        <source>device</source>
        <translation>디바이스</translation>
    </message>
    <message>
        <source>edge</source>
        <translation>엣지</translation>
    </message>
    <message>
        <source>cloud</source>
        <translation>클라우드</translation>
    </message>
    <message>
        <source>running · inputs</source>
        <translation>실행 중 · 입력</translation>
    </message>
    <message>
        <source>running · metrics</source>
        <translation>실행 중 · 지표 수신</translation>
    </message>
    <message>
        <source>running</source>
        <translation>실행 중</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>중지됨</translation>
    </message>
    <message>
        <source>unreachable</source>
        <translation>연결 불가</translation>
    </message>
    <message>
        <source>error</source>
        <translation>오류</translation>
    </message>
    <message>
        <source>deploying</source>
        <translation>배포 중</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>checking</source>
        <translation>확인 중</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>%1 · %2 s</source>
        <translation>%1 · %2초</translation>
    </message>
    <message>
        <source>%1 · %2 KiB uploaded · %3 s</source>
        <translation>%1 · %2 KiB 업로드 · %3초</translation>
    </message>
    <message>
        <source>%1 · median %2 ms%3</source>
        <translation>%1 · 중앙값 %2ms%3</translation>
    </message>
    <message>
        <source> (emulated)</source>
        <translation> (에뮬레이션)</translation>
    </message>
    <message>
        <source>%1: %2 s</source>
        <translation>%1: %2초</translation>
    </message>
</context>
<context>
    <name>edgegpt::MainWindow</name>
    <message>
        <source>EdgeGPT Testbed</source>
        <translation>EdgeGPT Testbed</translation>
    </message>
    <message>
        <source>Edited: %1</source>
        <translation>편집됨: %1</translation>
    </message>
    <message>
        <source>Charts paused; data keeps arriving.</source>
        <translation>차트가 일시 중지되었습니다. 데이터는 계속 수신됩니다.</translation>
    </message>
    <message>
        <source>Charts live.</source>
        <translation>차트를 실시간으로 표시합니다.</translation>
    </message>
    <message>
        <source>Ready. Type a request or pick an example, then Plan (Ctrl+Return).</source>
        <translation>준비되었습니다. 요청을 입력하거나 예제를 선택한 다음 계획(Ctrl+Return)을 누르십시오.</translation>
    </message>
    <message>
        <source>&amp;Plan</source>
        <translation>계획(&amp;P)</translation>
    </message>
    <message>
        <source>Plan the request with the chosen planner (Ctrl+Return)</source>
        <translation>선택한 플래너로 요청에 대한 계획을 수립합니다(Ctrl+Return)</translation>
    </message>
    <message>
        <source>&amp;Deploy</source>
        <translation>배포(&amp;D)</translation>
    </message>
    <message>
        <source>Deploy the plan&apos;s agents and model parts to the fleet (Ctrl+D)</source>
        <translation>계획의 에이전트와 모델 파트를 플릿에 배포합니다(Ctrl+D)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>실행(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>중지(&amp;S)</translation>
    </message>
    <message>
        <source>Stop what is running: planning, deploying or inference (Shift+F5)</source>
        <translation>실행 중인 작업(계획 수립, 배포 또는 추론)을 중지합니다(Shift+F5)</translation>
    </message>
    <message>
        <source>Planning stopped.</source>
        <translation>계획 수립이 중지되었습니다.</translation>
    </message>
    <message>
        <source>Planning stopped by the operator.</source>
        <translation>운영자가 계획 수립을 중지했습니다.</translation>
    </message>
    <message>
        <source>Nothing is running.</source>
        <translation>실행 중인 작업이 없습니다.</translation>
    </message>
    <message>
        <source>&amp;Open plan…</source>
        <translation>계획 열기(&amp;O)…</translation>
    </message>
    <message>
        <source>Open plan</source>
        <translation>계획 열기</translation>
    </message>
    <message>
        <source>Plans (*.json *.txt);;All files (*)</source>
        <translation>계획 (*.json *.txt);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>&amp;Save plan</source>
        <translation>계획 저장(&amp;S)</translation>
    </message>
    <message>
        <source>Save plan &amp;as…</source>
        <translation>다른 이름으로 계획 저장(&amp;A)…</translation>
    </message>
    <message>
        <source>Save plan</source>
        <translation>계획 저장</translation>
    </message>
    <message>
        <source>JSON plan (*.json);;Paper&apos;s text format (*.txt)</source>
        <translation>JSON 계획 (*.json);;논문의 텍스트 형식 (*.txt)</translation>
    </message>
    <message>
        <source>Open &amp;fleet…</source>
        <translation>플릿 열기(&amp;F)…</translation>
    </message>
    <message>
        <source>Open fleet</source>
        <translation>플릿 열기</translation>
    </message>
    <message>
        <source>Fleet files (*.json);;All files (*)</source>
        <translation>플릿 파일 (*.json);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Export metrics as &amp;CSV…</source>
        <translation>지표를 CSV로 내보내기(&amp;C)…</translation>
    </message>
    <message>
        <source>Export metrics</source>
        <translation>지표 내보내기</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Metrics written to %1.</source>
        <translation>지표를 %1에 저장했습니다.</translation>
    </message>
    <message>
        <source>Export charts as &amp;PNG…</source>
        <translation>차트를 PNG로 내보내기(&amp;P)…</translation>
    </message>
    <message>
        <source>Export charts</source>
        <translation>차트 내보내기</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 이미지 (*.png)</translation>
    </message>
    <message>
        <source>Charts written to %1.</source>
        <translation>차트를 %1에 저장했습니다.</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>설정(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>종료(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;About EdgeGPT Testbed</source>
        <translation>EdgeGPT Testbed 정보(&amp;A)</translation>
    </message>
    <message>
        <source>About EdgeGPT Testbed</source>
        <translation>EdgeGPT Testbed 정보</translation>
    </message>
    <message>
        <source>&lt;b&gt;EdgeGPT Testbed&lt;/b&gt; %1&lt;br&gt;An operator console for LLM-planned edge AI: requests become plans of AI tasks on devices, edge servers and the cloud.</source>
        <translation>&lt;b&gt;EdgeGPT Testbed&lt;/b&gt; %1&lt;br&gt;LLM이 계획하는 엣지 AI를 위한 운영자 콘솔: 요청은 디바이스, 엣지 서버 및 클라우드에서 실행되는 AI 작업의 계획이 됩니다.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>편집(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>요청</translation>
    </message>
    <message>
        <source>Ask for something, e.g. &quot;What&apos;s in the front of my car?&quot;</source>
        <translation>요청을 입력하십시오. 예: &quot;내 차 앞에 무엇이 있나요?&quot;</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>예제</translation>
    </message>
    <message>
        <source>The worked requests of the EdgeGPT paper</source>
        <translation>EdgeGPT 논문의 예제 요청</translation>
    </message>
    <message>
        <source>Local planner</source>
        <translation>로컬 플래너</translation>
    </message>
    <message>
        <source>LLM endpoint</source>
        <translation>LLM 엔드포인트</translation>
    </message>
    <message>
        <source>Which planner turns the request into a plan</source>
        <translation>요청을 계획으로 바꿀 플래너</translation>
    </message>
    <message>
        <source>Planning with %1 at %2.</source>
        <translation>%2의 %1(으)로 계획을 수립합니다.</translation>
    </message>
    <message>
        <source>Planning with the local planner (no network).</source>
        <translation>로컬 플래너로 계획을 수립합니다(네트워크 없음).</translation>
    </message>
    <message>
        <source>  Request  </source>
        <translation>  요청  </translation>
    </message>
    <message>
        <source>Fleet</source>
        <translation>플릿</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>로그</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>계획</translation>
    </message>
    <message>
        <source>Apply JSON</source>
        <translation>JSON 적용</translation>
    </message>
    <message>
        <source>Replace the plan with this JSON (one undo step)</source>
        <translation>이 JSON으로 계획을 바꿉니다(실행 취소 한 단계)</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>텍스트</translation>
    </message>
    <message>
        <source>Type a request first.</source>
        <translation>먼저 요청을 입력하십시오.</translation>
    </message>
    <message>
        <source>the local planner</source>
        <translation>로컬 플래너</translation>
    </message>
    <message>
        <source>Planning “%1” with %2…</source>
        <translation>%2(으)로 “%1”의 계획을 수립하는 중…</translation>
    </message>
    <message>
        <source>Planning “%1” with %2.</source>
        <translation>%2(으)로 “%1”의 계획을 수립합니다.</translation>
    </message>
    <message>
        <source>Plan “%1”</source>
        <translation>“%1” 계획</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1초</translation>
    </message>
    <message numerus="yes">
        <source>Planned %n task(s) in %1.</source>
        <translation>
            <numerusform>%1 만에 작업 %n개를 계획했습니다.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Planned %n task(s) in %1; %2 problem(s) to fix.</source>
        <translation>
            <numerusform>%1 만에 작업 %n개를 계획했습니다. 수정할 문제가 %2개 있습니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>Planning failed: %1</source>
        <translation>계획 수립 실패: %1</translation>
    </message>
    <message>
        <source>The JSON is not a plan: %1</source>
        <translation>이 JSON은 계획이 아닙니다: %1</translation>
    </message>
    <message>
        <source>Edit the JSON</source>
        <translation>JSON 편집</translation>
    </message>
    <message>
        <source>Plan replaced from the JSON.</source>
        <translation>JSON으로 계획을 바꿨습니다.</translation>
    </message>
    <message>
        <source>Opened %1.</source>
        <translation>%1을(를) 열었습니다.</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>%1을(를) 저장했습니다.</translation>
    </message>
    <message>
        <source>Cannot read the fleet: %1</source>
        <translation>플릿을 읽을 수 없습니다: %1</translation>
    </message>
    <message numerus="yes">
        <source>Fleet %1: %n host(s).</source>
        <translation>
            <numerusform>플릿 %1: 호스트 %n개.</numerusform>
        </translation>
    </message>
    <message>
        <source>device</source>
        <translation>디바이스</translation>
    </message>
    <message>
        <source>edge</source>
        <translation>엣지</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Settings saved. LLM endpoint: %1 at %2.</source>
        <translation>설정을 저장했습니다. LLM 엔드포인트: %2의 %1.</translation>
    </message>
    <message>
        <source>Start inference: the local demo fleet when no fleet is open (F5)</source>
        <translation>추론을 시작합니다. 열린 플릿이 없으면 로컬 데모 플릿을 사용합니다(F5)</translation>
    </message>
    <message>
        <source>Start the &amp;demo fleet</source>
        <translation>데모 플릿 시작(&amp;D)</translation>
    </message>
    <message>
        <source>Stop the demo fleet</source>
        <translation>데모 플릿 중지</translation>
    </message>
    <message>
        <source>&amp;Train the demo model</source>
        <translation>데모 모델 학습(&amp;T)</translation>
    </message>
    <message>
        <source>edgegpt train and edgegpt bench coinference into the demo&apos;s model folder</source>
        <translation>edgegpt train과 edgegpt bench coinference를 실행하여 데모 모델 폴더에 저장합니다</translation>
    </message>
    <message>
        <source>&amp;Demo</source>
        <translation>데모(&amp;D)</translation>
    </message>
    <message>
        <source>running</source>
        <translation>실행 중</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>시작 중</translation>
    </message>
    <message>
        <source>stopping</source>
        <translation>중지 중</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>this computer</source>
        <translation>이 컴퓨터</translation>
    </message>
    <message>
        <source>%1 tail</source>
        <translation>%1 테일</translation>
    </message>
    <message>
        <source>%1 tail after %2</source>
        <translation>%1 테일(%2 이후)</translation>
    </message>
    <message>
        <source>%1 head</source>
        <translation>%1 헤드</translation>
    </message>
    <message>
        <source>%1 head to %2</source>
        <translation>%1 헤드(%2까지)</translation>
    </message>
    <message>
        <source>running · metrics</source>
        <translation>실행 중 · 지표 수신</translation>
    </message>
    <message>
        <source>running · connecting</source>
        <translation>실행 중 · 연결 중</translation>
    </message>
    <message>
        <source>Model folder: %1</source>
        <translation>모델 폴더: %1</translation>
    </message>
    <message>
        <source>No fleet file open: the console runs the local demo fleet (Demo menu). Open a fleet file (File ▸ Open fleet) to list and deploy to its hosts.</source>
        <translation>열린 플릿 파일이 없습니다. 콘솔은 로컬 데모 플릿(데모 메뉴)을 실행합니다. 호스트를 나열하고 배포하려면 플릿 파일을 여십시오(파일 ▸ 플릿 열기).</translation>
    </message>
    <message>
        <source>No fleet file is open, so there is nothing to deploy to: the local demo fleet runs on this computer (Run, F5). Open a fleet file (File ▸ Open fleet) to deploy to real hosts.</source>
        <translation>열린 플릿 파일이 없어 배포할 대상이 없습니다. 로컬 데모 플릿은 이 컴퓨터에서 실행됩니다(실행, F5). 실제 호스트에 배포하려면 플릿 파일을 여십시오(파일 ▸ 플릿 열기).</translation>
    </message>
    <message>
        <source>A deployment is already running.</source>
        <translation>이미 배포가 진행 중입니다.</translation>
    </message>
    <message>
        <source>Plan a request first: Deploy sends the plan&apos;s agents and model parts.</source>
        <translation>먼저 요청에 대한 계획을 수립하십시오. 배포는 계획의 에이전트와 모델 파트를 전송합니다.</translation>
    </message>
    <message>
        <source>Cannot deploy: %1</source>
        <translation>배포할 수 없습니다: %1</translation>
    </message>
    <message>
        <source>The demo fleet is running; move the uplink slider to see the split react.</source>
        <translation>데모 플릿이 실행 중입니다. 업링크 슬라이더를 움직여 분할 지점이 어떻게 반응하는지 확인하십시오.</translation>
    </message>
    <message>
        <source>this computer, %1</source>
        <translation>이 컴퓨터, %1</translation>
    </message>
    <message>
        <source>Planned for what runs here: %1</source>
        <translation>여기서 실행되는 모델에 맞춰 계획함: %1</translation>
    </message>
    <message>
        <source>The model bindings were not changed: %1</source>
        <translation>모델 바인딩을 바꾸지 않았습니다: %1</translation>
    </message>
    <message>
        <source>— log tail of %1 —</source>
        <translation>— %1의 로그 끝부분 —</translation>
    </message>
    <message>
        <source>Fetching the log tail of %1…</source>
        <translation>%1의 로그 끝부분을 가져오는 중…</translation>
    </message>
    <message>
        <source>Stopping the devices&apos; inputs…</source>
        <translation>장치의 입력을 중지하는 중…</translation>
    </message>
    <message>
        <source>Stop sent to the fleet&apos;s devices.</source>
        <translation>플릿의 장치에 중지를 보냈습니다.</translation>
    </message>
    <message>
        <source>Fleet %1 loaded; asking its hosts how their agents are.</source>
        <translation>플릿 %1을(를) 불러왔습니다. 호스트에 에이전트 상태를 묻는 중입니다.</translation>
    </message>
    <message numerus="yes">
        <source>%1 · %n host(s) · double-click a host for its log tail</source>
        <translation>
            <numerusform>%1 · 호스트 %n대 · 호스트를 두 번 클릭하면 로그 끝부분</numerusform>
        </translation>
    </message>
    <message>
        <source>Host key changed: %1</source>
        <translation>호스트 키 변경됨: %1</translation>
    </message>
    <message>
        <source>The host key of %1 has CHANGED. Someone may be intercepting the connection (a man-in-the-middle attack), or the host was reinstalled. The console refused to connect and will not accept this key.</source>
        <translation>%1의 호스트 키가 변경되었습니다. 누군가 연결을 가로채고 있거나(중간자 공격) 호스트가 다시 설치되었을 수 있습니다. 콘솔은 연결을 거부했으며 이 키를 수락하지 않습니다.</translation>
    </message>
    <message>
        <source>Cannot run the fleet: %1. Deploy it first (Ctrl+D); its devices run inputs when their agents are connected.</source>
        <translation>플릿을 실행할 수 없습니다: %1. 먼저 배포하십시오(Ctrl+D). 에이전트가 연결되면 장치가 입력을 실행합니다.</translation>
    </message>
    <message>
        <source>The fleet&apos;s devices are running inputs; Stop (Shift+F5) stops them.</source>
        <translation>플릿의 장치가 입력을 실행 중입니다. 중지(Shift+F5)로 멈춥니다.</translation>
    </message>
    <message>
        <source>Federated learning</source>
        <translation>연합 학습</translation>
    </message>
</context>
<context>
    <name>edgegpt::MetricsCharts</name>
    <message>
        <source>model loaded</source>
        <translation>모델 로드됨</translation>
    </message>
    <message>
        <source>model evicted</source>
        <translation>모델 축출됨</translation>
    </message>
    <message>
        <source>Edge</source>
        <translation>엣지</translation>
    </message>
    <message>
        <source>Resident model</source>
        <translation>상주 모델</translation>
    </message>
    <message>
        <source>Size (MB)</source>
        <translation>크기 (MB)</translation>
    </message>
    <message>
        <source>Context (K)</source>
        <translation>컨텍스트 (K)</translation>
    </message>
    <message>
        <source>%1: %2 cache, %3 of %4 MB in use, hit ratio %5%</source>
        <translation>%1: %2 캐시, %4 MB 중 %3 MB 사용, 적중률 %5%</translation>
    </message>
    <message>
        <source>device</source>
        <translation>디바이스</translation>
    </message>
    <message>
        <source>encode</source>
        <translation>인코딩</translation>
    </message>
    <message>
        <source>transfer</source>
        <translation>전송</translation>
    </message>
    <message>
        <source>edge</source>
        <translation>엣지</translation>
    </message>
    <message>
        <source>return</source>
        <translation>반환</translation>
    </message>
    <message>
        <source>End-to-end latency</source>
        <translation>엔드투엔드 지연 시간</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>Link rate</source>
        <translation>링크 속도</translation>
    </message>
    <message>
        <source>KB/s</source>
        <translation>KB/s</translation>
    </message>
    <message>
        <source>Bytes per inference</source>
        <translation>추론당 바이트</translation>
    </message>
    <message>
        <source>bytes</source>
        <translation>바이트</translation>
    </message>
    <message>
        <source>Cache hit ratio</source>
        <translation>캐시 적중률</translation>
    </message>
    <message>
        <source>ratio</source>
        <translation>비율</translation>
    </message>
    <message>
        <source>The agent whose latency is stacked</source>
        <translation>지연 시간을 누적 표시할 에이전트</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>일시 중지</translation>
    </message>
    <message>
        <source>Freeze the charts; data keeps arriving</source>
        <translation>차트를 고정합니다. 데이터는 계속 수신됩니다</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>지우기</translation>
    </message>
    <message>
        <source>Forget every point received so far</source>
        <translation>지금까지 받은 모든 데이터 포인트를 지웁니다</translation>
    </message>
    <message numerus="yes">
        <source>last %n s</source>
        <translation>
            <numerusform>최근 %n초</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>last %n min</source>
        <translation>
            <numerusform>최근 %n분</numerusform>
        </translation>
    </message>
    <message>
        <source>Latency of</source>
        <translation>지연 시간 표시 대상</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>초</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>재개</translation>
    </message>
    <message>
        <source>No metrics yet: they appear when agents run.</source>
        <translation>아직 지표가 없습니다. 에이전트가 실행되면 표시됩니다.</translation>
    </message>
    <message numerus="yes">
        <source>%n agent(s) reporting</source>
        <translation>
            <numerusform>에이전트 %n개가 보고 중</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: last inference %2 ms · %n agent(s) · %3 points held</source>
        <translation>
            <numerusform>%1: 마지막 추론 %2ms · 에이전트 %n개 · 데이터 포인트 %3개 보관 중</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation>%1에 쓸 수 없습니다.</translation>
    </message>
    <message>
        <source>Split point: the device runs up to</source>
        <translation>분할 지점: 디바이스의 마지막 레이어</translation>
    </message>
    <message>
        <source>set</source>
        <translation>설정값</translation>
    </message>
    <message>
        <source>Link rate (dashed: set)</source>
        <translation>링크 속도(점선: 설정값)</translation>
    </message>
</context>
<context>
    <name>edgegpt::PlanDocument</name>
    <message>
        <source>There is no task %1.</source>
        <translation>작업 %1이(가) 없습니다.</translation>
    </message>
    <message>
        <source>Set the model of %1</source>
        <translation>%1의 모델 설정</translation>
    </message>
    <message>
        <source>Move %1 to %2</source>
        <translation>%1을(를) %2(으)로 이동</translation>
    </message>
    <message>
        <source>The catalog has no task &quot;%1&quot;.</source>
        <translation>카탈로그에 &quot;%1&quot; 작업이 없습니다.</translation>
    </message>
    <message>
        <source>Add %1</source>
        <translation>%1 추가</translation>
    </message>
    <message>
        <source>Delete %1</source>
        <translation>%1 삭제</translation>
    </message>
    <message>
        <source>Both ends of a link must be tasks of the plan.</source>
        <translation>링크의 양쪽 끝은 모두 계획의 작업이어야 합니다.</translation>
    </message>
    <message>
        <source>A link from %1 to %2 would make a cycle: a plan runs in one direction.</source>
        <translation>%1에서 %2(으)로 가는 링크는 순환을 만듭니다. 계획은 한 방향으로만 실행됩니다.</translation>
    </message>
    <message>
        <source>%1 already feeds %2.</source>
        <translation>%1은(는) 이미 %2에 입력을 제공합니다.</translation>
    </message>
    <message>
        <source>%1 produces %2, but %3 takes %4.</source>
        <translation>%1은(는) %2을(를) 출력하지만 %3은(는) %4을(를) 입력으로 받습니다.</translation>
    </message>
    <message>
        <source>no input</source>
        <translation>입력 없음</translation>
    </message>
    <message>
        <source>Link %1 to %2</source>
        <translation>%1을(를) %2에 연결</translation>
    </message>
    <message>
        <source>Task %1 has no input %2.</source>
        <translation>작업 %1에는 입력 %2이(가) 없습니다.</translation>
    </message>
    <message>
        <source>There is no link from %1 to %2.</source>
        <translation>%1에서 %2(으)로 가는 링크가 없습니다.</translation>
    </message>
    <message>
        <source>Unlink %1 from %2</source>
        <translation>%1과(와) %2의 연결 해제</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>%1을(를) 열 수 없습니다: %2</translation>
    </message>
    <message>
        <source>%1 is too large for a plan.</source>
        <translation>%1은(는) 계획으로 사용하기에 너무 큽니다.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1에 쓸 수 없습니다: %2</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n item(s)</source>
        <translation>
            <numerusform>항목 %n개 삭제</numerusform>
        </translation>
    </message>
    <message>
        <source>The plan has no tasks.</source>
        <translation>계획에 작업이 없습니다.</translation>
    </message>
    <message>
        <source>The id %1 is used by more than one task.</source>
        <translation>ID %1이(가) 여러 작업에서 사용되고 있습니다.</translation>
    </message>
    <message>
        <source>The catalog has no AI model &quot;%1&quot;.</source>
        <translation>카탈로그에 &quot;%1&quot; AI 모델이 없습니다.</translation>
    </message>
    <message>
        <source>No device is chosen.</source>
        <translation>선택한 디바이스가 없습니다.</translation>
    </message>
    <message>
        <source>The catalog has no device &quot;%1&quot;.</source>
        <translation>카탈로그에 &quot;%1&quot; 디바이스가 없습니다.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; needs an AI model.</source>
        <translation>&quot;%1&quot;에는 AI 모델이 필요합니다.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is a sensing step and takes no AI model (it has &quot;%2&quot;).</source>
        <translation>&quot;%1&quot;은(는) 센싱 단계이므로 AI 모델을 사용하지 않습니다(현재 &quot;%2&quot; 지정됨).</translation>
    </message>
    <message>
        <source>%1 does %2, not %3.</source>
        <translation>%1은(는) %3이(가) 아니라 %2을(를) 수행합니다.</translation>
    </message>
    <message>
        <source>%1 cannot run on %2; it runs on: %3.</source>
        <translation>%1은(는) %2에서 실행할 수 없습니다. 실행 가능한 곳: %3.</translation>
    </message>
    <message>
        <source>%1 lacks the sensor that &quot;%2&quot; reads.</source>
        <translation>%1에는 &quot;%2&quot;이(가) 읽는 센서가 없습니다.</translation>
    </message>
    <message>
        <source>Input %1 comes from %2, which is not a task of the plan.</source>
        <translation>입력 %1은(는) 계획의 작업이 아닌 %2에서 옵니다.</translation>
    </message>
    <message>
        <source>The link %1 → %2 is part of a cycle: a plan runs in one direction.</source>
        <translation>링크 %1 → %2은(는) 순환의 일부입니다. 계획은 한 방향으로만 실행됩니다.</translation>
    </message>
    <message>
        <source>%1 gives %2, but input %3 of %4 takes %5.</source>
        <translation>%1은(는) %2을(를) 출력하지만 %4의 입력 %3은(는) %5을(를) 받습니다.</translation>
    </message>
    <message numerus="yes">
        <source>&quot;%1&quot; takes %n input(s), the task has %2.</source>
        <translation>
            <numerusform>&quot;%1&quot;은(는) 입력 %n개를 받지만 이 작업에는 %2개가 있습니다.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>edgegpt::PlanEditor</name>
    <message>
        <source>&amp;Undo</source>
        <translation>실행 취소(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>다시 실행(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>삭제(&amp;D)</translation>
    </message>
    <message>
        <source>Delete the selected tasks and links</source>
        <translation>선택한 작업과 링크를 삭제합니다</translation>
    </message>
    <message>
        <source>Auto &amp;layout</source>
        <translation>자동 배치(&amp;L)</translation>
    </message>
    <message>
        <source>Place the tasks in layers, sources on the left</source>
        <translation>작업을 계층별로 배치하고 소스를 왼쪽에 둡니다</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>확대(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>축소(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Fit to window</source>
        <translation>창에 맞추기(&amp;F)</translation>
    </message>
    <message>
        <source>Add task</source>
        <translation>작업 추가</translation>
    </message>
    <message>
        <source>Add a task of the catalog to the plan</source>
        <translation>카탈로그의 작업을 계획에 추가합니다</translation>
    </message>
    <message>
        <source>Sensing steps</source>
        <translation>센싱 단계</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>실행 취소</translation>
    </message>
    <message>
        <source>Undo %1</source>
        <translation>실행 취소: %1</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>다시 실행</translation>
    </message>
    <message>
        <source>Redo %1</source>
        <translation>다시 실행: %1</translation>
    </message>
    <message>
        <source>Drag from a task&apos;s right-hand dot to another task to link them.</source>
        <translation>작업 오른쪽의 점에서 다른 작업으로 끌어서 두 작업을 연결하십시오.</translation>
    </message>
    <message>
        <source>AI model</source>
        <translation>AI 모델</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>디바이스</translation>
    </message>
    <message>
        <source>No task selected</source>
        <translation>선택한 작업 없음</translation>
    </message>
    <message>
        <source>Select a task to choose its AI model and device.</source>
        <translation>작업을 선택하면 AI 모델과 디바이스를 고를 수 있습니다.</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Takes: %1</source>
        <translation>입력: %1</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>Gives: %1</source>
        <translation>출력: %1</translation>
    </message>
    <message>
        <source>none (sensing step)</source>
        <translation>없음(센싱 단계)</translation>
    </message>
    <message>
        <source>(choose a model)</source>
        <translation>(모델 선택)</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>plan</source>
        <translation>계획</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>No problems: the plan fits the catalog.</source>
        <translation>문제 없음: 계획이 카탈로그와 일치합니다.</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s)</source>
        <translation>
            <numerusform>문제 %n개</numerusform>
        </translation>
    </message>
    <message>
        <source>Not runnable here: no model binding serves this model.</source>
        <translation>여기서 실행할 수 없음: 이 모델을 제공하는 모델 바인딩이 없습니다.</translation>
    </message>
    <message>
        <source>Runs here as a stand-in: %1.</source>
        <translation>여기서 대체 모델로 실행: %1.</translation>
    </message>
    <message>
        <source>Runs here as model %1.</source>
        <translation>여기서 모델 %1(으)로 실행.</translation>
    </message>
</context>
<context>
    <name>edgegpt::PlanGraphScene</name>
    <message>
        <source>%1 → %2 (%3)</source>
        <translation>%1 → %2 (%3)</translation>
    </message>
</context>
<context>
    <name>edgegpt::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>LLM planner (OpenAI-compatible endpoint)</source>
        <translation>LLM 플래너(OpenAI 호환 엔드포인트)</translation>
    </message>
    <message>
        <source>from OPENAI_API_KEY</source>
        <translation>OPENAI_API_KEY에서 가져옴</translation>
    </message>
    <message>
        <source> s</source>
        <translation>초</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>기본 URL</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 키</translation>
    </message>
    <message>
        <source>Timeout</source>
        <translation>시간 제한</translation>
    </message>
    <message>
        <source>Demonstrations</source>
        <translation>예시 수</translation>
    </message>
    <message>
        <source>Interface</source>
        <translation>인터페이스</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>언어</translation>
    </message>
    <message>
        <source>A new language applies the next time the console starts.</source>
        <translation>새 언어는 다음에 콘솔을 시작할 때 적용됩니다.</translation>
    </message>
    <message>
        <source>Enter an http:// or https:// address.</source>
        <translation>http:// 또는 https:// 주소를 입력하십시오.</translation>
    </message>
    <message>
        <source>The key comes from the OPENAI_API_KEY environment variable: this system has no keychain the console can use, so keys are never written to the settings. A key typed here is used until the console closes.</source>
        <translation>키는 OPENAI_API_KEY 환경 변수에서 가져옵니다. 이 시스템에는 콘솔이 사용할 수 있는 키체인이 없으므로 키는 설정에 저장되지 않습니다. 여기에 입력한 키는 콘솔을 닫을 때까지 사용됩니다.</translation>
    </message>
    <message>
        <source>No OPENAI_API_KEY in the environment. This system has no keychain the console can use, so keys are never written to the settings: set OPENAI_API_KEY before starting the console, or type a key here for this session. Local servers usually need none.</source>
        <translation>환경에 OPENAI_API_KEY가 없습니다. 이 시스템에는 콘솔이 사용할 수 있는 키체인이 없으므로 키는 설정에 저장되지 않습니다. 콘솔을 시작하기 전에 OPENAI_API_KEY를 설정하거나, 이번 세션에만 사용할 키를 여기에 입력하십시오. 로컬 서버는 보통 키가 필요 없습니다.</translation>
    </message>
    <message>
        <source>Demo fleet</source>
        <translation>데모 플릿</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <source>Model folder</source>
        <translation>모델 폴더</translation>
    </message>
    <message>
        <source>A model trained by edgegpt train, with the profile.json of edgegpt bench coinference. Empty: the folder those commands use by default.</source>
        <translation>edgegpt train으로 학습하고 edgegpt bench coinference의 profile.json이 있는 모델입니다. 비워 두면 이 명령들의 기본 폴더를 사용합니다.</translation>
    </message>
    <message>
        <source>Model bindings</source>
        <translation>모델 바인딩</translation>
    </message>
    <message>
        <source>built-in: image classification by the fashion-mnist cnn</source>
        <translation>내장: 이미지 분류는 fashion-mnist cnn이 수행</translation>
    </message>
    <message>
        <source>Model bindings file</source>
        <translation>모델 바인딩 파일</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON 파일 (*.json)</translation>
    </message>
    <message>
        <source>Bindings file</source>
        <translation>바인딩 파일</translation>
    </message>
    <message>
        <source>Which runnable model serves each catalog model. The graph marks stand-ins and tasks not runnable here, and planning prefers tasks that run. Empty: the built-in bindings.</source>
        <translation>각 카탈로그 모델을 어떤 실행 가능한 모델이 제공하는지 정합니다. 그래프는 대체 모델과 여기서 실행할 수 없는 작업을 표시하고, 계획은 실행 가능한 작업을 우선합니다. 비워 두면 내장 바인딩을 씁니다.</translation>
    </message>
</context>
<context>
    <name>edgegpt::TaskNodeItem</name>
    <message>
        <source>%1: %2
AI model: %3
Device: %4</source>
        <translation>%1: %2
AI 모델: %3
디바이스: %4</translation>
    </message>
    <message>
        <source>none (sensing step)</source>
        <translation>없음(센싱 단계)</translation>
    </message>
    <message>
        <source>sensing step, no AI model</source>
        <translation>센싱 단계, AI 모델 없음</translation>
    </message>
    <message>
        <source>no model chosen</source>
        <translation>선택한 모델 없음</translation>
    </message>
    <message>
        <source>stand-in</source>
        <translation>대체 모델</translation>
    </message>
    <message>
        <source>not runnable here</source>
        <translation>여기서 실행 불가</translation>
    </message>
    <message>
        <source>Not runnable here: no model binding serves %1.</source>
        <translation>여기서 실행할 수 없음: %1을(를) 제공하는 모델 바인딩이 없습니다.</translation>
    </message>
    <message>
        <source>Runs here as a stand-in: %1 (model %2).</source>
        <translation>여기서 대체 모델로 실행: %1 (모델 %2).</translation>
    </message>
    <message>
        <source>Runs here as model %1.</source>
        <translation>여기서 모델 %1(으)로 실행.</translation>
    </message>
</context>
</TS>
