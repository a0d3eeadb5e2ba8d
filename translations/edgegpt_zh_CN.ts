<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>edgegpt::AgentMetricsFeed</name>
    <message>
        <source>%1 refused the link settings: %2</source>
        <translation>%1 拒绝了链路设置：%2</translation>
    </message>
    <message>
        <source>%1: %2 (%3)</source>
        <translation>%1：%2（%3）</translation>
    </message>
    <message>
        <source>%1 closed the connection</source>
        <translation>%1 关闭了连接</translation>
    </message>
    <message>
        <source>%1 sent a bad metrics update: %2</source>
        <translation>%1 发送了无效的指标更新：%2</translation>
    </message>
    <message>
        <source>%1 sent a bad link-settings answer: %2</source>
        <translation>%1 发送了无效的链路设置应答：%2</translation>
    </message>
    <message>
        <source>%1 is not connected</source>
        <translation>%1 未连接</translation>
    </message>
    <message>
        <source>%1 refused to run inputs: %2</source>
        <translation>%1 拒绝运行输入：%2</translation>
    </message>
    <message>
        <source>%1 sent a bad status: %2</source>
        <translation>%1 发送了无效的状态：%2</translation>
    </message>
    <message>
        <source>%1 sent a bad result: %2</source>
        <translation>%1 发送了无效的结果：%2</translation>
    </message>
</context>
<context>
    <name>edgegpt::ConsoleOptions</name>
    <message>
        <source>EdgeGPT Testbed operator console</source>
        <translation>EdgeGPT Testbed 操作员控制台</translation>
    </message>
    <message>
        <source>Start the local demo fleet (device and edge agents on loopback).</source>
        <translation>启动本地演示设备群（在回环地址上运行设备代理和边缘代理）。</translation>
    </message>
    <message>
        <source>Plan this request at start.</source>
        <translation>启动时为此请求制定计划。</translation>
    </message>
    <message>
        <source>Plan the request (if given), let the charts fill for a few seconds, write a PNG of the window to FILE and exit.</source>
        <translation>为请求制定计划（如已给出），等待图表填充数秒，将窗口截图以 PNG 格式写入 FILE 后退出。</translation>
    </message>
    <message>
        <source>Quit after SECONDS.</source>
        <translation>SECONDS 秒后退出。</translation>
    </message>
    <message>
        <source>Show the hosts of this fleet file.</source>
        <translation>显示此设备群文件中的主机。</translation>
    </message>
    <message>
        <source>Open this plan file (JSON or text).</source>
        <translation>打开此计划文件（JSON 或文本格式）。</translation>
    </message>
    <message>
        <source>User interface language: en, zh_CN or ko.</source>
        <translation>用户界面语言：en、zh_CN 或 ko。</translation>
    </message>
    <message>
        <source>Keep settings in this INI file instead of the user&apos;s.</source>
        <translation>将设置保存在此 INI 文件中，而不是用户的设置文件中。</translation>
    </message>
    <message>
        <source>--quit-after: expected a number of seconds</source>
        <translation>--quit-after：应为秒数</translation>
    </message>
    <message>
        <source>--language: expected en, zh_CN or ko</source>
        <translation>--language：应为 en、zh_CN 或 ko</translation>
    </message>
    <message>
        <source>The demo fleet&apos;s trained model folder (edgegpt train and edgegpt bench coinference; default: the folder they use).</source>
        <translation>演示设备群的已训练模型文件夹（由 edgegpt train 和 edgegpt bench coinference 生成；默认：这两个命令使用的文件夹）。</translation>
    </message>
    <message>
        <source>With --screenshot: seconds of demo data before the picture (default 6).</source>
        <translation>与 --screenshot 一起使用：截图前收集演示数据的秒数（默认 6）。</translation>
    </message>
    <message>
        <source>--screenshot-delay: expected a number of seconds up to 600</source>
        <translation>--screenshot-delay：应为不超过 600 的秒数</translation>
    </message>
    <message>
        <source>Deploy the plan (--plan) to the fleet (--fleet) without asking anyone: unknown host keys are refused unless --accept-new-host-key, no passphrase or password is asked.</source>
        <translation>无需任何人参与，将计划（--plan）部署到设备群（--fleet）：除非指定 --accept-new-host-key，否则拒绝未知主机密钥；不询问密码短语或密码。</translation>
    </message>
    <message>
        <source>Ask the fleet&apos;s devices to run inputs (after --deploy, or once their agents are connected).</source>
        <translation>让设备群中的设备运行输入（在 --deploy 之后，或其代理连接后）。</translation>
    </message>
    <message>
        <source>The SSH config to use (default ~/.ssh/config).</source>
        <translation>要使用的 SSH 配置（默认 ~/.ssh/config）。</translation>
    </message>
    <message>
        <source>A private key to authenticate with, as ssh -i.</source>
        <translation>用于认证的私钥，同 ssh -i。</translation>
    </message>
    <message>
        <source>The known_hosts file (default ~/.ssh/known_hosts).</source>
        <translation>known_hosts 文件（默认 ~/.ssh/known_hosts）。</translation>
    </message>
    <message>
        <source>With --deploy: accept and record the keys of hosts never seen before (a changed key is always refused).</source>
        <translation>与 --deploy 一起使用：接受并记录从未见过的主机的密钥（已更改的密钥始终被拒绝）。</translation>
    </message>
    <message>
        <source>--deploy and --run need --fleet FILE</source>
        <translation>--deploy 和 --run 需要 --fleet FILE</translation>
    </message>
    <message>
        <source>--deploy needs --plan FILE (or --request TEXT)</source>
        <translation>--deploy 需要 --plan FILE（或 --request TEXT）</translation>
    </message>
</context>
<context>
    <name>edgegpt::ConsoleSshInteraction</name>
    <message>
        <source>Unknown host key</source>
        <translation>未知的主机密钥</translation>
    </message>
    <message>
        <source>The console has never connected to %1 before and cannot tell whether it is the host you mean. Compare the fingerprint with the one its administrator gives you (ssh-keygen -l -f /etc/ssh/ssh_host_*_key.pub on the host).</source>
        <translation>控制台从未连接过 %1，无法判断它是否就是您要连接的主机。请将指纹与其管理员提供的指纹进行比较（在该主机上运行 ssh-keygen -l -f /etc/ssh/ssh_host_*_key.pub）。</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>主机：</translation>
    </message>
    <message>
        <source>Key type:</source>
        <translation>密钥类型：</translation>
    </message>
    <message>
        <source>SHA-256 fingerprint:</source>
        <translation>SHA-256 指纹：</translation>
    </message>
    <message>
        <source>Remembered in:</source>
        <translation>记录位置：</translation>
    </message>
    <message>
        <source>Refuse</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Accept once</source>
        <translation>仅本次接受</translation>
    </message>
    <message>
        <source>Trust this key until the console closes; known_hosts is not changed</source>
        <translation>在控制台关闭前信任此密钥；不更改 known_hosts</translation>
    </message>
    <message>
        <source>Accept and remember</source>
        <translation>接受并记住</translation>
    </message>
    <message>
        <source>Record the key in %1</source>
        <translation>将密钥记录到 %1</translation>
    </message>
    <message>
        <source>Asking whether to trust the host key of %1 (%2 %3).</source>
        <translation>正在询问是否信任 %1 的主机密钥（%2 %3）。</translation>
    </message>
    <message>
        <source>Refused the host key of %1.</source>
        <translation>已拒绝 %1 的主机密钥。</translation>
    </message>
    <message>
        <source>Accepted the host key of %1 for this session.</source>
        <translation>已在本次会话中接受 %1 的主机密钥。</translation>
    </message>
    <message>
        <source>Accepted and remembered the host key of %1.</source>
        <translation>已接受并记住 %1 的主机密钥。</translation>
    </message>
    <message>
        <source>Key passphrase</source>
        <translation>密钥密码短语</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>The passphrase of the key %1:</source>
        <translation>密钥 %1 的密码短语：</translation>
    </message>
    <message>
        <source>The password of %1:</source>
        <translation>%1 的密码：</translation>
    </message>
    <message>
        <source>Asking for the passphrase of %1.</source>
        <translation>正在询问 %1 的密码短语。</translation>
    </message>
    <message>
        <source>Asking for the password of %1.</source>
        <translation>正在询问 %1 的密码。</translation>
    </message>
</context>
<context>
    <name>edgegpt::DemoController</name>
    <message>
        <source>Demo fleet: %1</source>
        <translation>演示设备群：%1</translation>
    </message>
    <message>
        <source>The demo fleet failed: %1</source>
        <translation>演示设备群出错：%1</translation>
    </message>
    <message>
        <source>Demo fleet stopped.</source>
        <translation>演示设备群已停止。</translation>
    </message>
    <message>
        <source>[%1] exited with code %2</source>
        <translation>[%1] 已退出，退出码 %2</translation>
    </message>
    <message>
        <source>The %1 agent ended (code %2); see the log. Start the demo again to retry.</source>
        <translation>%1 代理已结束（退出码 %2），请查看日志。重新启动演示即可重试。</translation>
    </message>
    <message>
        <source>Receiving metrics from %1 at %2.</source>
        <translation>正在从 %2 上的 %1 接收指标。</translation>
    </message>
    <message>
        <source>Metrics of %1: %2 (retrying)</source>
        <translation>%1 的指标：%2（正在重试）</translation>
    </message>
    <message>
        <source>The device&apos;s uplink now runs at %1 KB/s.</source>
        <translation>设备的上行链路速率现为 %1 KB/s。</translation>
    </message>
    <message>
        <source>EDGEGPT_CLI names %1, which is not a program</source>
        <translation>EDGEGPT_CLI 指定的 %1 不是可执行程序</translation>
    </message>
    <message>
        <source>PATH</source>
        <translation>PATH</translation>
    </message>
    <message>
        <source>the edgegpt command line was not found (looked in %1)</source>
        <translation>找不到 edgegpt 命令行工具（已查找：%1）</translation>
    </message>
    <message>
        <source>Cannot change the link rate: %1</source>
        <translation>无法更改链路速率：%1</translation>
    </message>
    <message>
        <source>The demo fleet is still stopping; start it again in a moment.</source>
        <translation>演示设备群仍在停止中，请稍后再启动。</translation>
    </message>
    <message>
        <source>Demo model in %1: %2</source>
        <translation>%1 中的演示模型：%2</translation>
    </message>
    <message>
        <source>The demo needs a trained model in %1. Train it (Demo ▸ Train the demo model) or choose another folder in the settings.</source>
        <translation>演示需要 %1 中有已训练的模型。请先训练（演示 ▸ 训练演示模型），或在设置中选择其他文件夹。</translation>
    </message>
    <message>
        <source>The demo cannot start: %1</source>
        <translation>演示无法启动：%1</translation>
    </message>
    <message>
        <source>Starting the local edge and device agents…</source>
        <translation>正在启动本地边缘代理和设备代理…</translation>
    </message>
    <message>
        <source>Stopping the demo fleet…</source>
        <translation>正在停止演示设备群…</translation>
    </message>
    <message>
        <source>Demo stopped.</source>
        <translation>演示已停止。</translation>
    </message>
    <message>
        <source>Stop the demo before training a new model.</source>
        <translation>请先停止演示，再训练新模型。</translation>
    </message>
    <message>
        <source>Cannot train: %1</source>
        <translation>无法训练：%1</translation>
    </message>
    <message>
        <source>Training the demo model in %1 with %2.</source>
        <translation>正在使用 %2 在 %1 中训练演示模型。</translation>
    </message>
    <message>
        <source>Training the demo model…</source>
        <translation>正在训练演示模型…</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <source>Measuring the model&apos;s split profile: %1</source>
        <translation>正在测量模型的切分性能曲线：%1</translation>
    </message>
    <message>
        <source>Training cancelled; the demo still needs a trained model.</source>
        <translation>训练已取消；演示仍需要已训练的模型。</translation>
    </message>
    <message>
        <source>exit code %1</source>
        <translation>退出码 %1</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>训练失败：%1</translation>
    </message>
    <message>
        <source>Measuring the model&apos;s split profile…</source>
        <translation>正在测量模型的切分性能曲线…</translation>
    </message>
    <message>
        <source>The demo model is ready in %1.</source>
        <translation>演示模型已在 %1 中就绪。</translation>
    </message>
    <message>
        <source>The demo model is ready.</source>
        <translation>演示模型已就绪。</translation>
    </message>
    <message>
        <source>split %1</source>
        <translation>切分点 %1</translation>
    </message>
    <message>
        <source>: %1 ms expected at %2 KB/s</source>
        <translation>：%2 KB/s 下预计 %1 ms</translation>
    </message>
    <message>
        <source>uplink %1 KB/s, delay %2 ms, jitter %3 ms, loss %4 (set by %5)</source>
        <translation>上行链路 %1 KB/s，延迟 %2 ms，抖动 %3 ms，丢包率 %4（由 %5 设置）</translation>
    </message>
    <message>
        <source>lost the edge: %1</source>
        <translation>与边缘端的连接中断：%1</translation>
    </message>
    <message>
        <source>the edge is back</source>
        <translation>边缘端已恢复连接</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <source>device ×%1 (Jetson Nano)</source>
        <translation>设备 ×%1（Jetson Nano）</translation>
    </message>
    <message>
        <source>device ×%1 (Jetson AGX Orin)</source>
        <translation>设备 ×%1（Jetson AGX Orin）</translation>
    </message>
    <message>
        <source>device ×%1 (presenter setting)</source>
        <translation>设备 ×%1（演示者设置）</translation>
    </message>
    <message>
        <source>device ×%1 (custom setting)</source>
        <translation>设备 ×%1（自定义设置）</translation>
    </message>
    <message>
        <source>no profile.json in %1</source>
        <translation>%1 中没有 profile.json</translation>
    </message>
    <message>
        <source>%1 lists no split points</source>
        <translation>%1 未列出任何切分点</translation>
    </message>
    <message>
        <source>no split of %1 stays within the accuracy budget</source>
        <translation>%1 没有任何切分点满足精度预算</translation>
    </message>
    <message>
        <source>no split profile</source>
        <translation>没有切分性能曲线</translation>
    </message>
    <message>
        <source>Restarting the device agent as %1 (the edge agent keeps running).</source>
        <translation>正在以 %1 重新启动设备代理（边缘代理继续运行）。</translation>
    </message>
    <message>
        <source>Restarting the device agent as %1…</source>
        <translation>正在以 %1 重新启动设备代理…</translation>
    </message>
    <message>
        <source>Demo running with the device agent as %1.</source>
        <translation>演示运行中，设备代理为 %1。</translation>
    </message>
    <message>
        <source>Starting the demo fleet: %1 with the model in %2, uplink %3 KB/s, %4 (--slowdown %5, --codec-slowdown %6).</source>
        <translation>正在启动演示设备群：%1，模型位于 %2，上行链路 %3 KB/s，%4（--slowdown %5，--codec-slowdown %6）。</translation>
    </message>
    <message>
        <source>Demo running: the device agent (%3) sends %1 inputs a second to the edge agent over a %2 KB/s uplink.</source>
        <translation>演示运行中：设备代理（%3）通过 %2 KB/s 的上行链路每秒向边缘代理发送 %1 个输入。</translation>
    </message>
    <message>
        <source>measured no input codec</source>
        <translation>未测得任何输入编解码器</translation>
    </message>
    <message>
        <source>measured %1 input codecs on this computer: %2 %3 ms … %4 %5 ms to encode</source>
        <translation>已在本机测量 %1 个输入编解码器的编码时间：%2 %3 毫秒 … %4 %5 毫秒</translation>
    </message>
    <message>
        <source>at no device speed from ×%1 to ×%2 does the best split of %3 at %4 KB/s change</source>
        <translation>设备速度从 ×%1 到 ×%2，%3 在 %4 KB/s 时的最佳切分点都不会改变</translation>
    </message>
    <message>
        <source>Presenter setting: with the device&apos;s %1 ms round trip the split no longer changes in the middle of the slider at ×%2; it does at ×%3, so the device agent restarts.</source>
        <translation>演示者设置：设备往返时延为 %1 ms 时，在 ×%2 下切分点不再在滑块中段变化；在 ×%3 下会变化，因此设备代理将重启。</translation>
    </message>
    <message>
        <source>Training the demo model: epoch %1/%2, batch %3/%4, loss %5, accuracy %6%, about %7 s left</source>
        <translation>正在训练演示模型：第 %1/%2 轮，批次 %3/%4，损失 %5，准确率 %6%，约剩 %7 秒</translation>
    </message>
</context>
<context>
    <name>edgegpt::DemoPanel</name>
    <message>
        <source>Demo fleet: stopped</source>
        <translation>演示设备群：已停止</translation>
    </message>
    <message>
        <source>Start demo</source>
        <translation>启动演示</translation>
    </message>
    <message>
        <source>Start or stop the local device and edge agents</source>
        <translation>启动或停止本地设备代理和边缘代理</translation>
    </message>
    <message>
        <source>Train the demo model</source>
        <translation>训练演示模型</translation>
    </message>
    <message>
        <source>Runs edgegpt train and edgegpt bench coinference into the model folder</source>
        <translation>运行 edgegpt train 和 edgegpt bench coinference，结果写入模型文件夹</translation>
    </message>
    <message>
        <source>Full training (4 epochs, a few minutes)</source>
        <translation>完整训练（4 个周期，需几分钟）</translation>
    </message>
    <message>
        <source>Quick training (1 epoch on 6000 images, about a minute)</source>
        <translation>快速训练（在 6000 张图像上训练 1 个周期，约一分钟）</translation>
    </message>
    <message>
        <source>Uplink (emulated)</source>
        <translation>上行链路（模拟）</translation>
    </message>
    <message>
        <source>emulated: %1</source>
        <translation>模拟：%1</translation>
    </message>
    <message>
        <source>The device agent&apos;s uplink rate, changed live (100–500 KB/s)</source>
        <translation>设备代理的上行链路速率，可实时调整（100–500 KB/s）</translation>
    </message>
    <message>
        <source>%1 KB/s</source>
        <translation>%1 KB/s</translation>
    </message>
    <message>
        <source>Stop demo</source>
        <translation>停止演示</translation>
    </message>
    <message>
        <source>Cancel training</source>
        <translation>取消训练</translation>
    </message>
    <message>
        <source>Demo fleet: needs a trained model</source>
        <translation>演示设备群：需要已训练的模型</translation>
    </message>
    <message>
        <source>Demo fleet: training the model</source>
        <translation>演示设备群：正在训练模型</translation>
    </message>
    <message>
        <source>Demo fleet: starting</source>
        <translation>演示设备群：正在启动</translation>
    </message>
    <message>
        <source>Demo fleet: running</source>
        <translation>演示设备群：运行中</translation>
    </message>
    <message>
        <source>Demo fleet: stopping</source>
        <translation>演示设备群：正在停止</translation>
    </message>
    <message>
        <source>Demo fleet: failed</source>
        <translation>演示设备群：失败</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:#56616e&apos;&gt;waiting for the first inference…&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#56616e&apos;&gt;正在等待第一次推理…&lt;/span&gt;</translation>
    </message>
    <message>
        <source>split &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>切分点 &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; B per inference</source>
        <translation>每次推理 &lt;b&gt;%1&lt;/b&gt; B</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; ms end to end</source>
        <translation>端到端 &lt;b&gt;%1&lt;/b&gt; ms</translation>
    </message>
    <message>
        <source>link estimate &lt;b&gt;%1&lt;/b&gt; KB/s</source>
        <translation>链路速率估计 &lt;b&gt;%1&lt;/b&gt; KB/s</translation>
    </message>
    <message>
        <source>in effect: %1 KB/s</source>
        <translation>当前生效：%1 KB/s</translation>
    </message>
    <message>
        <source>Device speed</source>
        <translation>设备速度</translation>
    </message>
    <message>
        <source>Jetson Nano (GPU 150.8× slower than an RTX 3090; image always sent)</source>
        <translation>Jetson Nano（GPU 比 RTX 3090 慢 150.8 倍；始终发送图像）</translation>
    </message>
    <message>
        <source>RTX 3090 35.58 TFLOPS / Jetson Nano 0.236 TFLOPS (FP32 peaks); codecs 4× slower on its 1.43 GHz Cortex-A57. Sending the image wins at every rate of the slider.</source>
        <translation>RTX 3090 35.58 TFLOPS / Jetson Nano 0.236 TFLOPS（FP32 峰值）；编解码在其 1.43 GHz Cortex-A57 上慢 4 倍。在滑块的每个速率下，发送图像都最快。</translation>
    </message>
    <message>
        <source>Jetson AGX Orin (6.7×: 35.58 / 5.32 TFLOPS)</source>
        <translation>Jetson AGX Orin（6.7 倍：35.58 / 5.32 TFLOPS）</translation>
    </message>
    <message>
        <source>RTX 3090 35.58 TFLOPS / Jetson AGX Orin 64GB 5.32 TFLOPS (FP32 peaks); codecs 2× slower on its 2.2 GHz Cortex-A78AE.</source>
        <translation>RTX 3090 35.58 TFLOPS / Jetson AGX Orin 64GB 5.32 TFLOPS（FP32 峰值）；编解码在其 2.2 GHz Cortex-A78AE 上慢 2 倍。</translation>
    </message>
    <message>
        <source>Custom factor</source>
        <translation>自定义倍数</translation>
    </message>
    <message>
        <source>Model compute and codecs both this many times slower than this computer.</source>
        <translation>模型计算和编解码都比本机慢这么多倍。</translation>
    </message>
    <message>
        <source>How much slower than this computer the device agent runs; changing it restarts only the device agent</source>
        <translation>设备代理比本机慢多少；更改后只重启设备代理</translation>
    </message>
    <message>
        <source>×</source>
        <translation>×</translation>
    </message>
    <message>
        <source>Custom factor: the device is this many times slower than the edge</source>
        <translation>自定义倍数：设备比边缘服务器慢这么多倍</translation>
    </message>
    <message>
        <source>The device agent runs with --slowdown %1 --codec-slowdown %2</source>
        <translation>设备代理以 --slowdown %1 --codec-slowdown %2 运行</translation>
    </message>
    <message>
        <source>expected: — (%1)</source>
        <translation>预计：—（%1）</translation>
    </message>
    <message>
        <source>expected at %1 KB/s: &lt;b&gt;%2&lt;/b&gt;</source>
        <translation>%1 KB/s 下预计：&lt;b&gt;%2&lt;/b&gt;</translation>
    </message>
    <message>
        <source> (%1 ms)</source>
        <translation>（%1 ms）</translation>
    </message>
    <message>
        <source>Expected: what the model&apos;s profile predicts at the slider&apos;s rate with the device speed (SplitPlanner), with a round trip of %1 ms (the device agent&apos;s measurement; 0 until it reports one). In use: what the device agent reports it chose from its own estimate of the link, which follows the slider over a few seconds.</source>
        <translation>预计：模型的切分性能曲线在滑块速率和设备速度下的预测（SplitPlanner），往返时间取 %1 ms（设备代理的测量值；报告之前为 0）。使用中：设备代理根据自己对链路的估计所报告的选择，该估计会在几秒内跟上滑块。</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; at %2 KB/s and below</source>
        <translation>%2 KB/s 及以下为 &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; from %2 KB/s</source>
        <translation>%2 KB/s 起为 &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>the same over %1–%2 KB/s</source>
        <translation>在 %1–%2 KB/s 内不变</translation>
    </message>
    <message>
        <source>in use: &lt;span style=&apos;color:#56616e&apos;&gt;waiting for the device agent&lt;/span&gt;</source>
        <translation>使用中：&lt;span style=&apos;color:#56616e&apos;&gt;正在等待设备代理&lt;/span&gt;</translation>
    </message>
    <message>
        <source>in use: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>使用中：&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>, </source>
        <extracomment>Between the expected split and where it changes (&quot;…, input from 150 KB/s&quot;).</extracomment>
        <translation>，</translation>
    </message>
    <message>
        <source>Presenter: tuned to this computer</source>
        <translation>演示者：按本机自动调整</translation>
    </message>
    <message>
        <source>Not a real board: model and codecs both slowed by the factor at which this model&apos;s best split changes near %1 KB/s, given this computer&apos;s measured round trip and codec times (about 2× on an idle machine). The label says which factor runs.</source>
        <translation>并非真实板卡：模型与编解码器按同一倍数减速，该倍数根据本机实测的往返时延和编解码时间，使该模型的最佳切分点在 %1 KB/s 附近变化（空闲机器上约为 2×）。旁边的标签显示实际使用的倍数。</translation>
    </message>
</context>
<context>
    <name>edgegpt::FlCurveChart</name>
    <message>
        <source>Test accuracy per round</source>
        <translation>每轮测试准确率</translation>
    </message>
    <message>
        <source>round</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>准确率（%）</translation>
    </message>
    <message>
        <source>baseline</source>
        <translation>基线</translation>
    </message>
    <message>
        <source>attempt %1</source>
        <translation>尝试 %1</translation>
    </message>
</context>
<context>
    <name>edgegpt::FlPanel</name>
    <message>
        <source>What the model is for, e.g. a size limit</source>
        <translation>模型的用途，例如大小限制</translation>
    </message>
    <message>
        <source>The request the planner reads, e.g. &quot;a clothing classifier for a Jetson Nano, under 1 MB&quot;</source>
        <translation>规划器读取的请求，例如 &quot;a clothing classifier for a Jetson Nano, under 1 MB&quot;</translation>
    </message>
    <message>
        <source>Local rules</source>
        <translation>本地规则</translation>
    </message>
    <message>
        <source>LLM</source>
        <translation>LLM</translation>
    </message>
    <message>
        <source>Who proposes each configuration: our rule-based proposer, or the LLM endpoint of the settings (OPENAI_BASE_URL)</source>
        <translation>由谁提出每个配置：我们的基于规则的提议器，或设置中的 LLM 端点（OPENAI_BASE_URL）</translation>
    </message>
    <message>
        <source>At most this many attempts</source>
        <translation>最多尝试次数</translation>
    </message>
    <message>
        <source>Device agents started for each attempt</source>
        <translation>每次尝试启动的设备代理数</translation>
    </message>
    <message>
        <source>The baseline&apos;s FedAvg rounds</source>
        <translation>基线的 FedAvg 轮数</translation>
    </message>
    <message>
        <source>Training images on each device</source>
        <translation>每台设备上的训练图像数</translation>
    </message>
    <message>
        <source>Dirichlet α of the devices&apos; class mix: small α, few classes each</source>
        <translation>设备类别分布的狄利克雷 α：α 越小，每台设备的类别越少</translation>
    </message>
    <message>
        <source>Stop starting attempts after this many seconds; each attempt gets an equal share (0: no limit)</source>
        <translation>超过此秒数后不再开始新的尝试；每次尝试平分预算（0：不限）</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>default: the models folder&apos;s fl-tune</source>
        <translation>默认：模型文件夹中的 fl-tune</translation>
    </message>
    <message>
        <source>Where the attempts&apos; models are saved</source>
        <translation>各次尝试的模型保存位置</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>请求</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>时间预算</translation>
    </message>
    <message>
        <source>Planner</source>
        <translation>规划器</translation>
    </message>
    <message>
        <source>Rounds</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Images each</source>
        <translation>每台图像数</translation>
    </message>
    <message>
        <source>α</source>
        <translation>α</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Work folder</source>
        <translation>工作文件夹</translation>
    </message>
    <message>
        <source>Start tuning</source>
        <translation>开始调优</translation>
    </message>
    <message>
        <source>Run edgegpt fl tune with these settings</source>
        <translation>用这些设置运行 edgegpt fl tune</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>End the tuning, its running attempt and that attempt&apos;s agents</source>
        <translation>结束调优、正在运行的尝试及其代理</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>宽度</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Local epochs</source>
        <translation>本地轮数</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Class-balanced loss</source>
        <translation>类别平衡损失</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Final accuracy</source>
        <translation>最终准确率</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>耗时</translation>
    </message>
    <message>
        <source>Model size</source>
        <translation>模型大小</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Attempt</source>
        <translation>尝试</translation>
    </message>
    <message>
        <source>Round</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Devices (reported / sent)</source>
        <translation>设备（已上报 / 已发送）</translation>
    </message>
    <message>
        <source>Left out</source>
        <translation>未参与</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Round time</source>
        <translation>轮次耗时</translation>
    </message>
    <message>
        <source>Configurations</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Devices per round</source>
        <translation>每轮设备</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Unreadable output: %1</source>
        <translation>无法读取的输出：%1</translation>
    </message>
    <message>
        <source>Unreadable output line (%1): %2</source>
        <translation>无法读取的输出行（%1）：%2</translation>
    </message>
    <message>
        <source>fl tune: %1</source>
        <translation>fl tune：%1</translation>
    </message>
    <message>
        <source>Cannot tune: %1</source>
        <translation>无法调优：%1</translation>
    </message>
    <message>
        <source>Set the request and press Start: each attempt trains with real device agents on this computer.</source>
        <translation>填写请求后按“开始调优”：每次尝试都在本机上用真实的设备代理训练。</translation>
    </message>
    <message>
        <source>Type a request first: what the model is for.</source>
        <translation>请先输入请求：模型的用途。</translation>
    </message>
    <message>
        <source>Devices × images each must be at most 60000 (the training set).</source>
        <translation>设备数 × 每台图像数不能超过 60000（训练集大小）。</translation>
    </message>
    <message>
        <source>Federated tuning: %1</source>
        <translation>联邦调优：%1</translation>
    </message>
    <message>
        <source>Tuning started: asking the planner for the first configuration…</source>
        <translation>调优已开始：正在向规划器索取第一个配置…</translation>
    </message>
    <message>
        <source>Stopping the tuning and its agents…</source>
        <translation>正在停止调优及其代理…</translation>
    </message>
    <message>
        <source>Baseline</source>
        <translation>基线</translation>
    </message>
    <message>
        <source>Attempt %1</source>
        <translation>尝试 %1</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>running…</source>
        <translation>运行中…</translation>
    </message>
    <message>
        <source>%1, %2 lr %3</source>
        <translation>%1，%2 学习率 %3</translation>
    </message>
    <message>
        <source>baseline: %1</source>
        <translation>基线：%1</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Measuring the baseline: %1</source>
        <translation>正在测量基线：%1</translation>
    </message>
    <message>
        <source>Attempt %1 of %2: %3</source>
        <translation>第 %1 次尝试（共 %2 次）：%3</translation>
    </message>
    <message>
        <source>Federated tuning, attempt %1: %2 (%3)</source>
        <translation>联邦调优，尝试 %1：%2（%3）</translation>
    </message>
    <message>
        <source>baseline</source>
        <translation>基线</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>%1%</source>
        <translation>%1%</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>Attempt %1, round %2: %3% with %4 device(s)%5</source>
        <translation>尝试 %1，第 %2 轮：%3%，%4 台设备%5</translation>
    </message>
    <message>
        <source>; left out: %1</source>
        <translation>；未参与：%1</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>Federated tuning, attempt %1: %2% in %3 s</source>
        <translation>联邦调优，尝试 %1：%2%，用时 %3 秒</translation>
    </message>
    <message>
        <source>Federated tuning, attempt %1 failed: %2</source>
        <translation>联邦调优，尝试 %1 失败：%2</translation>
    </message>
    <message>
        <source>Attempt %1 ★ best</source>
        <translation>尝试 %1 ★ 最佳</translation>
    </message>
    <message>
        <source>Best: attempt %1 with %2% (baseline %3%).</source>
        <translation>最佳：尝试 %1，%2%（基线 %3%）。</translation>
    </message>
    <message>
        <source>Tuning stopped; its agents were ended.</source>
        <translation>调优已停止；其代理已结束。</translation>
    </message>
    <message>
        <source>fl tune crashed.</source>
        <translation>fl tune 崩溃了。</translation>
    </message>
    <message>
        <source>fl tune failed (exit %1).</source>
        <translation>fl tune 失败（退出码 %1）。</translation>
    </message>
    <message>
        <source>fl tune failed: %1</source>
        <translation>fl tune 失败：%1</translation>
    </message>
    <message>
        <source>Tuning done: attempt %1 is the best (%2).</source>
        <translation>调优完成：尝试 %1 最佳（%2）。</translation>
    </message>
    <message>
        <source>fl tune ended without a result.</source>
        <translation>fl tune 结束但没有结果。</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>did not finish</source>
        <translation>未完成</translation>
    </message>
    <message numerus="yes">
        <source>%n unreadable output line(s), see Messages.</source>
        <translation>
            <numerusform>%n 行输出无法读取，见“消息”。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>edgegpt::FlTuneProcess</name>
    <message>
        <source>not JSON (%1)</source>
        <translation>不是 JSON（%1）</translation>
    </message>
    <message>
        <source>not a JSON object</source>
        <translation>不是 JSON 对象</translation>
    </message>
    <message>
        <source>a final line without a numeric best_attempt, best_accuracy and baseline_accuracy</source>
        <translation>最终行缺少数值型的 best_attempt、best_accuracy 和 baseline_accuracy</translation>
    </message>
    <message>
        <source>not a line of fl tune&apos;s output (no attempt or best_attempt)</source>
        <translation>不是 fl tune 的输出行（没有 attempt 或 best_attempt）</translation>
    </message>
    <message>
        <source>attempt is not a count</source>
        <translation>attempt 不是计数</translation>
    </message>
    <message>
        <source>a round line without a round from 1, a numeric accuracy and a device count</source>
        <translation>轮次行缺少从 1 开始的轮次、数值型准确率和设备数</translation>
    </message>
    <message>
        <source>an attempt&apos;s start without its config</source>
        <translation>尝试的开始行缺少 config</translation>
    </message>
    <message>
        <source>an attempt line without its config, final_accuracy, seconds and model_bytes</source>
        <translation>尝试行缺少 config、final_accuracy、seconds 和 model_bytes</translation>
    </message>
    <message>
        <source>an attempt line that is neither a start, a round nor a result</source>
        <translation>尝试行既不是开始、轮次也不是结果</translation>
    </message>
    <message>
        <source>a tuning is already running</source>
        <translation>已有调优在运行</translation>
    </message>
    <message>
        <source>cannot start %1: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <source>a line longer than 64 KiB was dropped</source>
        <translation>丢弃了一行超过 64 KiB 的输出</translation>
    </message>
</context>
<context>
    <name>edgegpt::FleetDeployController</name>
    <message>
        <source>the fleet names no token file</source>
        <translation>设备群未指定令牌文件</translation>
    </message>
    <message>
        <source>Created a fleet token in %1 (keep it secret).</source>
        <translation>已在 %1 中创建设备群令牌（请妥善保密）。</translation>
    </message>
    <message>
        <source>Cannot record the accepted host keys in %1: %2</source>
        <translation>无法将已接受的主机密钥记录到 %1：%2</translation>
    </message>
    <message numerus="yes">
        <source>Recorded %n host key(s) in %1.</source>
        <translation>
            <numerusform>已将 %n 个主机密钥记录到 %1。</numerusform>
        </translation>
    </message>
    <message>
        <source>no fleet file is open</source>
        <translation>未打开设备群文件</translation>
    </message>
    <message>
        <source>a deployment is already running</source>
        <translation>已有部署正在进行</translation>
    </message>
    <message>
        <source>Leaving out %1 (%2): not runnable here: %3</source>
        <translation>略过 %1（%2）：此处无法运行：%3</translation>
    </message>
    <message>
        <source>no edgegpt-agent next to the console (%1)</source>
        <translation>控制台旁没有 edgegpt-agent（%1）</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>not deployed: the plan gives this device nothing it can run</source>
        <translation>未部署：计划没有给此设备可运行的内容</translation>
    </message>
    <message>
        <source>the plan gives no host of the fleet anything to run</source>
        <translation>计划没有给设备群中的任何主机可运行的内容</translation>
    </message>
    <message>
        <source>waiting to connect</source>
        <translation>等待连接</translation>
    </message>
    <message>
        <source>Deployment cancelled.</source>
        <translation>部署已取消。</translation>
    </message>
    <message>
        <source>Deployed: every host of %1 is running its agent.</source>
        <translation>已部署：%1 中的每台主机都在运行其代理。</translation>
    </message>
    <message numerus="yes">
        <source>Deployment: %1 of %n host(s) running; the fleet dock and the log say why.</source>
        <translation>
            <numerusform>部署：%n 台主机中有 %1 台在运行；原因见设备群面板和日志。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Deploying the plan to %n host(s)…</source>
        <translation>
            <numerusform>正在将计划部署到 %n 台主机…</numerusform>
        </translation>
    </message>
    <message>
        <source>Deployment cancelled by the operator; the hosts finish their current step, then the agents it started are stopped.</source>
        <translation>操作员已取消部署；各主机完成当前步骤后，将停止此次部署启动的代理。</translation>
    </message>
    <message>
        <source>Cancelling the deployment…</source>
        <translation>正在取消部署…</translation>
    </message>
    <message>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cannot connect to %1&apos;s agent: %2</source>
        <translation>无法连接到 %1 的代理：%2</translation>
    </message>
    <message>
        <source>%1: connected to its agent; metrics follow.</source>
        <translation>%1：已连接到其代理；指标随后到达。</translation>
    </message>
    <message>
        <source>%1: agent connection lost: %2</source>
        <translation>%1：与代理的连接中断：%2</translation>
    </message>
    <message>
        <source>%1: running inputs until stopped.</source>
        <translation>%1：持续运行输入，直到停止。</translation>
    </message>
    <message>
        <source>%1: running %2 input(s).</source>
        <translation>%1：正在运行 %2 个输入。</translation>
    </message>
    <message>
        <source>%1: run ended: %2 answered, %3 failed.</source>
        <translation>%1：运行结束：%2 个已应答，%3 个失败。</translation>
    </message>
    <message>
        <source>%1 is not connected</source>
        <translation>%1 未连接</translation>
    </message>
    <message>
        <source>the fleet has no device host</source>
        <translation>设备群中没有设备主机</translation>
    </message>
</context>
<context>
    <name>edgegpt::FleetView</name>
    <message>
        <source>Host</source>
        <translation>主机</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Resident models</source>
        <translation>常驻模型</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>请求</translation>
    </message>
    <message>
        <source>Show the log tail of %1</source>
        <translation>显示 %1 的日志末尾</translation>
    </message>
    <message>
        <source>device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>edge</source>
        <translation>边缘</translation>
    </message>
    <message>
        <source>cloud</source>
        <translation>云端</translation>
    </message>
    <message>
        <source>running · inputs</source>
        <translation>运行中 · 输入</translation>
    </message>
    <message>
        <source>running · metrics</source>
        <translation>运行中 · 接收指标</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>unreachable</source>
        <translation>无法访问</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>deploying</source>
        <translation>正在部署</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>checking</source>
        <translation>检查中</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>%1 · %2 s</source>
        <translation>%1 · %2 秒</translation>
    </message>
    <message>
        <source>%1 · %2 KiB uploaded · %3 s</source>
        <translation>%1 · 已上传 %2 KiB · %3 秒</translation>
    </message>
    <message>
        <source>%1 · median %2 ms%3</source>
        <translation>%1 · 中位数 %2 毫秒%3</translation>
    </message>
    <message>
        <source> (emulated)</source>
        <translation>（模拟）</translation>
    </message>
    <message>
        <source>%1: %2 s</source>
        <translation>%1：%2 秒</translation>
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
        <translation>已编辑：%1</translation>
    </message>
    <message>
        <source>Charts paused; data keeps arriving.</source>
        <translation>图表已暂停；数据仍在持续接收。</translation>
    </message>
    <message>
        <source>Charts live.</source>
        <translation>图表实时更新中。</translation>
    </message>
    <message>
        <source>Ready. Type a request or pick an example, then Plan (Ctrl+Return).</source>
        <translation>就绪。请输入请求或选择示例，然后点击“计划”（Ctrl+Return）。</translation>
    </message>
    <message>
        <source>&amp;Plan</source>
        <translation>计划(&amp;P)</translation>
    </message>
    <message>
        <source>Plan the request with the chosen planner (Ctrl+Return)</source>
        <translation>使用所选规划器为请求制定计划（Ctrl+Return）</translation>
    </message>
    <message>
        <source>&amp;Deploy</source>
        <translation>部署(&amp;D)</translation>
    </message>
    <message>
        <source>Deploy the plan&apos;s agents and model parts to the fleet (Ctrl+D)</source>
        <translation>将计划的代理和模型分段部署到设备群（Ctrl+D）</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>停止(&amp;S)</translation>
    </message>
    <message>
        <source>Stop what is running: planning, deploying or inference (Shift+F5)</source>
        <translation>停止正在进行的操作：规划、部署或推理（Shift+F5）</translation>
    </message>
    <message>
        <source>Planning stopped.</source>
        <translation>规划已停止。</translation>
    </message>
    <message>
        <source>Planning stopped by the operator.</source>
        <translation>规划已被操作员停止。</translation>
    </message>
    <message>
        <source>Nothing is running.</source>
        <translation>当前没有正在运行的操作。</translation>
    </message>
    <message>
        <source>&amp;Open plan…</source>
        <translation>打开计划(&amp;O)…</translation>
    </message>
    <message>
        <source>Open plan</source>
        <translation>打开计划</translation>
    </message>
    <message>
        <source>Plans (*.json *.txt);;All files (*)</source>
        <translation>计划 (*.json *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>&amp;Save plan</source>
        <translation>保存计划(&amp;S)</translation>
    </message>
    <message>
        <source>Save plan &amp;as…</source>
        <translation>计划另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Save plan</source>
        <translation>保存计划</translation>
    </message>
    <message>
        <source>JSON plan (*.json);;Paper&apos;s text format (*.txt)</source>
        <translation>JSON 计划 (*.json);;论文的文本格式 (*.txt)</translation>
    </message>
    <message>
        <source>Open &amp;fleet…</source>
        <translation>打开设备群(&amp;F)…</translation>
    </message>
    <message>
        <source>Open fleet</source>
        <translation>打开设备群</translation>
    </message>
    <message>
        <source>Fleet files (*.json);;All files (*)</source>
        <translation>设备群文件 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Export metrics as &amp;CSV…</source>
        <translation>将指标导出为 CSV(&amp;C)…</translation>
    </message>
    <message>
        <source>Export metrics</source>
        <translation>导出指标</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Metrics written to %1.</source>
        <translation>指标已写入 %1。</translation>
    </message>
    <message>
        <source>Export charts as &amp;PNG…</source>
        <translation>将图表导出为 PNG(&amp;P)…</translation>
    </message>
    <message>
        <source>Export charts</source>
        <translation>导出图表</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Charts written to %1.</source>
        <translation>图表已写入 %1。</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>设置(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;About EdgeGPT Testbed</source>
        <translation>关于 EdgeGPT Testbed(&amp;A)</translation>
    </message>
    <message>
        <source>About EdgeGPT Testbed</source>
        <translation>关于 EdgeGPT Testbed</translation>
    </message>
    <message>
        <source>&lt;b&gt;EdgeGPT Testbed&lt;/b&gt; %1&lt;br&gt;An operator console for LLM-planned edge AI: requests become plans of AI tasks on devices, edge servers and the cloud.</source>
        <translation>&lt;b&gt;EdgeGPT Testbed&lt;/b&gt; %1&lt;br&gt;面向 LLM 规划的边缘 AI 的操作员控制台：请求被转化为由 AI 任务组成的计划，在设备、边缘服务器和云端上运行。</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>请求</translation>
    </message>
    <message>
        <source>Ask for something, e.g. &quot;What&apos;s in the front of my car?&quot;</source>
        <translation>输入您的请求，例如“我的车前方有什么？”</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>示例</translation>
    </message>
    <message>
        <source>The worked requests of the EdgeGPT paper</source>
        <translation>EdgeGPT 论文中的示例请求</translation>
    </message>
    <message>
        <source>Local planner</source>
        <translation>本地规划器</translation>
    </message>
    <message>
        <source>LLM endpoint</source>
        <translation>LLM 端点</translation>
    </message>
    <message>
        <source>Which planner turns the request into a plan</source>
        <translation>选择将请求转化为计划的规划器</translation>
    </message>
    <message>
        <source>Planning with %1 at %2.</source>
        <translation>使用 %2 上的 %1 进行规划。</translation>
    </message>
    <message>
        <source>Planning with the local planner (no network).</source>
        <translation>使用本地规划器进行规划（无需网络）。</translation>
    </message>
    <message>
        <source>  Request  </source>
        <translation>  请求  </translation>
    </message>
    <message>
        <source>Fleet</source>
        <translation>设备群</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>计划</translation>
    </message>
    <message>
        <source>Apply JSON</source>
        <translation>应用 JSON</translation>
    </message>
    <message>
        <source>Replace the plan with this JSON (one undo step)</source>
        <translation>用此 JSON 替换计划（可一步撤销）</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Type a request first.</source>
        <translation>请先输入请求。</translation>
    </message>
    <message>
        <source>the local planner</source>
        <translation>本地规划器</translation>
    </message>
    <message>
        <source>Planning “%1” with %2…</source>
        <translation>正在使用 %2 为“%1”制定计划…</translation>
    </message>
    <message>
        <source>Planning “%1” with %2.</source>
        <translation>使用 %2 为“%1”制定计划。</translation>
    </message>
    <message>
        <source>Plan “%1”</source>
        <translation>计划“%1”</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message numerus="yes">
        <source>Planned %n task(s) in %1.</source>
        <translation>
            <numerusform>已在 %1内规划 %n 个任务。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Planned %n task(s) in %1; %2 problem(s) to fix.</source>
        <translation>
            <numerusform>已在 %1内规划 %n 个任务；有 %2 个问题需要修正。</numerusform>
        </translation>
    </message>
    <message>
        <source>Planning failed: %1</source>
        <translation>规划失败：%1</translation>
    </message>
    <message>
        <source>The JSON is not a plan: %1</source>
        <translation>该 JSON 不是计划：%1</translation>
    </message>
    <message>
        <source>Edit the JSON</source>
        <translation>编辑 JSON</translation>
    </message>
    <message>
        <source>Plan replaced from the JSON.</source>
        <translation>已用 JSON 替换计划。</translation>
    </message>
    <message>
        <source>Opened %1.</source>
        <translation>已打开 %1。</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>已保存 %1。</translation>
    </message>
    <message>
        <source>Cannot read the fleet: %1</source>
        <translation>无法读取设备群：%1</translation>
    </message>
    <message numerus="yes">
        <source>Fleet %1: %n host(s).</source>
        <translation>
            <numerusform>设备群 %1：%n 台主机。</numerusform>
        </translation>
    </message>
    <message>
        <source>device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>edge</source>
        <translation>边缘</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Settings saved. LLM endpoint: %1 at %2.</source>
        <translation>设置已保存。LLM 端点：%2 上的 %1。</translation>
    </message>
    <message>
        <source>Start inference: the local demo fleet when no fleet is open (F5)</source>
        <translation>开始推理：未打开设备群时使用本地演示设备群（F5）</translation>
    </message>
    <message>
        <source>Start the &amp;demo fleet</source>
        <translation>启动演示设备群(&amp;D)</translation>
    </message>
    <message>
        <source>Stop the demo fleet</source>
        <translation>停止演示设备群</translation>
    </message>
    <message>
        <source>&amp;Train the demo model</source>
        <translation>训练演示模型(&amp;T)</translation>
    </message>
    <message>
        <source>edgegpt train and edgegpt bench coinference into the demo&apos;s model folder</source>
        <translation>运行 edgegpt train 和 edgegpt bench coinference，结果写入演示的模型文件夹</translation>
    </message>
    <message>
        <source>&amp;Demo</source>
        <translation>演示(&amp;D)</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>正在启动</translation>
    </message>
    <message>
        <source>stopping</source>
        <translation>正在停止</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>this computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>%1 tail</source>
        <translation>%1 尾部</translation>
    </message>
    <message>
        <source>%1 tail after %2</source>
        <translation>%1 尾部（%2 之后）</translation>
    </message>
    <message>
        <source>%1 head</source>
        <translation>%1 头部</translation>
    </message>
    <message>
        <source>%1 head to %2</source>
        <translation>%1 头部（至 %2）</translation>
    </message>
    <message>
        <source>running · metrics</source>
        <translation>运行中 · 接收指标</translation>
    </message>
    <message>
        <source>running · connecting</source>
        <translation>运行中 · 正在连接</translation>
    </message>
    <message>
        <source>Model folder: %1</source>
        <translation>模型文件夹：%1</translation>
    </message>
    <message>
        <source>No fleet file open: the console runs the local demo fleet (Demo menu). Open a fleet file (File ▸ Open fleet) to list and deploy to its hosts.</source>
        <translation>未打开设备群文件：控制台运行本地演示设备群（“演示”菜单）。打开设备群文件（文件 ▸ 打开设备群）即可列出其中的主机并部署到这些主机。</translation>
    </message>
    <message>
        <source>No fleet file is open, so there is nothing to deploy to: the local demo fleet runs on this computer (Run, F5). Open a fleet file (File ▸ Open fleet) to deploy to real hosts.</source>
        <translation>未打开设备群文件，因此没有可部署的目标：本地演示设备群在本机上运行（运行，F5）。要部署到真实主机，请打开设备群文件（文件 ▸ 打开设备群）。</translation>
    </message>
    <message>
        <source>A deployment is already running.</source>
        <translation>已有部署正在进行。</translation>
    </message>
    <message>
        <source>Plan a request first: Deploy sends the plan&apos;s agents and model parts.</source>
        <translation>请先为请求制定计划：部署会发送计划的代理和模型分段。</translation>
    </message>
    <message>
        <source>Cannot deploy: %1</source>
        <translation>无法部署：%1</translation>
    </message>
    <message>
        <source>The demo fleet is running; move the uplink slider to see the split react.</source>
        <translation>演示设备群正在运行；拖动上行链路滑块即可观察切分点如何响应。</translation>
    </message>
    <message>
        <source>this computer, %1</source>
        <translation>本机，%1</translation>
    </message>
    <message>
        <source>Planned for what runs here: %1</source>
        <translation>已按此处可运行的模型规划：%1</translation>
    </message>
    <message>
        <source>The model bindings were not changed: %1</source>
        <translation>模型绑定未更改：%1</translation>
    </message>
    <message>
        <source>— log tail of %1 —</source>
        <translation>— %1 的日志末尾 —</translation>
    </message>
    <message>
        <source>Fetching the log tail of %1…</source>
        <translation>正在获取 %1 的日志末尾…</translation>
    </message>
    <message>
        <source>Stopping the devices&apos; inputs…</source>
        <translation>正在停止设备的输入…</translation>
    </message>
    <message>
        <source>Stop sent to the fleet&apos;s devices.</source>
        <translation>已向设备群的设备发送停止。</translation>
    </message>
    <message>
        <source>Fleet %1 loaded; asking its hosts how their agents are.</source>
        <translation>已加载设备群 %1；正在询问其主机的代理状态。</translation>
    </message>
    <message numerus="yes">
        <source>%1 · %n host(s) · double-click a host for its log tail</source>
        <translation>
            <numerusform>%1 · %n 台主机 · 双击主机查看其日志末尾</numerusform>
        </translation>
    </message>
    <message>
        <source>Host key changed: %1</source>
        <translation>主机密钥已更改：%1</translation>
    </message>
    <message>
        <source>The host key of %1 has CHANGED. Someone may be intercepting the connection (a man-in-the-middle attack), or the host was reinstalled. The console refused to connect and will not accept this key.</source>
        <translation>%1 的主机密钥已更改。可能有人正在拦截连接（中间人攻击），或者该主机已重装。控制台已拒绝连接，且不会接受此密钥。</translation>
    </message>
    <message>
        <source>Cannot run the fleet: %1. Deploy it first (Ctrl+D); its devices run inputs when their agents are connected.</source>
        <translation>无法运行设备群：%1。请先部署（Ctrl+D）；设备的代理连接后即可运行输入。</translation>
    </message>
    <message>
        <source>The fleet&apos;s devices are running inputs; Stop (Shift+F5) stops them.</source>
        <translation>设备群的设备正在运行输入；停止（Shift+F5）可停止它们。</translation>
    </message>
    <message>
        <source>Federated learning</source>
        <translation>联邦学习</translation>
    </message>
</context>
<context>
    <name>edgegpt::MetricsCharts</name>
    <message>
        <source>model loaded</source>
        <translation>模型已加载</translation>
    </message>
    <message>
        <source>model evicted</source>
        <translation>模型已逐出</translation>
    </message>
    <message>
        <source>Edge</source>
        <translation>边缘</translation>
    </message>
    <message>
        <source>Resident model</source>
        <translation>驻留模型</translation>
    </message>
    <message>
        <source>Size (MB)</source>
        <translation>大小 (MB)</translation>
    </message>
    <message>
        <source>Context (K)</source>
        <translation>上下文 (K)</translation>
    </message>
    <message>
        <source>%1: %2 cache, %3 of %4 MB in use, hit ratio %5%</source>
        <translation>%1：%2 缓存，已用 %3 / %4 MB，命中率 %5%</translation>
    </message>
    <message>
        <source>device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>encode</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>transfer</source>
        <translation>传输</translation>
    </message>
    <message>
        <source>edge</source>
        <translation>边缘</translation>
    </message>
    <message>
        <source>return</source>
        <translation>回传</translation>
    </message>
    <message>
        <source>End-to-end latency</source>
        <translation>端到端延迟</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>毫秒</translation>
    </message>
    <message>
        <source>Link rate</source>
        <translation>链路速率</translation>
    </message>
    <message>
        <source>KB/s</source>
        <translation>KB/s</translation>
    </message>
    <message>
        <source>Bytes per inference</source>
        <translation>每次推理的字节数</translation>
    </message>
    <message>
        <source>bytes</source>
        <translation>字节</translation>
    </message>
    <message>
        <source>Cache hit ratio</source>
        <translation>缓存命中率</translation>
    </message>
    <message>
        <source>ratio</source>
        <translation>比率</translation>
    </message>
    <message>
        <source>The agent whose latency is stacked</source>
        <translation>以堆叠图显示其延迟的代理</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Freeze the charts; data keeps arriving</source>
        <translation>冻结图表；数据仍会持续接收</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Forget every point received so far</source>
        <translation>丢弃迄今收到的所有数据点</translation>
    </message>
    <message numerus="yes">
        <source>last %n s</source>
        <translation>
            <numerusform>最近 %n 秒</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>last %n min</source>
        <translation>
            <numerusform>最近 %n 分钟</numerusform>
        </translation>
    </message>
    <message>
        <source>Latency of</source>
        <translation>延迟对象</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>No metrics yet: they appear when agents run.</source>
        <translation>暂无指标：代理运行后将显示指标。</translation>
    </message>
    <message numerus="yes">
        <source>%n agent(s) reporting</source>
        <translation>
            <numerusform>%n 个代理正在上报</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: last inference %2 ms · %n agent(s) · %3 points held</source>
        <translation>
            <numerusform>%1：最近一次推理 %2 毫秒 · %n 个代理 · 保留 %3 个数据点</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation>无法写入 %1。</translation>
    </message>
    <message>
        <source>Split point: the device runs up to</source>
        <translation>切分点：设备执行到的最后一层</translation>
    </message>
    <message>
        <source>set</source>
        <translation>设定值</translation>
    </message>
    <message>
        <source>Link rate (dashed: set)</source>
        <translation>链路速率（虚线：设定值）</translation>
    </message>
</context>
<context>
    <name>edgegpt::PlanDocument</name>
    <message>
        <source>There is no task %1.</source>
        <translation>不存在任务 %1。</translation>
    </message>
    <message>
        <source>Set the model of %1</source>
        <translation>设置 %1 的模型</translation>
    </message>
    <message>
        <source>Move %1 to %2</source>
        <translation>将 %1 移至 %2</translation>
    </message>
    <message>
        <source>The catalog has no task &quot;%1&quot;.</source>
        <translation>目录中没有任务“%1”。</translation>
    </message>
    <message>
        <source>Add %1</source>
        <translation>添加 %1</translation>
    </message>
    <message>
        <source>Delete %1</source>
        <translation>删除 %1</translation>
    </message>
    <message>
        <source>Both ends of a link must be tasks of the plan.</source>
        <translation>链接的两端都必须是计划中的任务。</translation>
    </message>
    <message>
        <source>A link from %1 to %2 would make a cycle: a plan runs in one direction.</source>
        <translation>从 %1 到 %2 的链接会形成环路：计划只能单向执行。</translation>
    </message>
    <message>
        <source>%1 already feeds %2.</source>
        <translation>%1 已经向 %2 提供输入。</translation>
    </message>
    <message>
        <source>%1 produces %2, but %3 takes %4.</source>
        <translation>%1 输出 %2，但 %3 接受的是 %4。</translation>
    </message>
    <message>
        <source>no input</source>
        <translation>无输入</translation>
    </message>
    <message>
        <source>Link %1 to %2</source>
        <translation>将 %1 链接到 %2</translation>
    </message>
    <message>
        <source>Task %1 has no input %2.</source>
        <translation>任务 %1 没有第 %2 个输入。</translation>
    </message>
    <message>
        <source>There is no link from %1 to %2.</source>
        <translation>不存在从 %1 到 %2 的链接。</translation>
    </message>
    <message>
        <source>Unlink %1 from %2</source>
        <translation>断开 %1 与 %2 的链接</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>%1 is too large for a plan.</source>
        <translation>%1 过大，不能作为计划。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n item(s)</source>
        <translation>
            <numerusform>删除 %n 个项目</numerusform>
        </translation>
    </message>
    <message>
        <source>The plan has no tasks.</source>
        <translation>计划中没有任务。</translation>
    </message>
    <message>
        <source>The id %1 is used by more than one task.</source>
        <translation>ID %1 被多个任务使用。</translation>
    </message>
    <message>
        <source>The catalog has no AI model &quot;%1&quot;.</source>
        <translation>目录中没有 AI 模型“%1”。</translation>
    </message>
    <message>
        <source>No device is chosen.</source>
        <translation>未选择设备。</translation>
    </message>
    <message>
        <source>The catalog has no device &quot;%1&quot;.</source>
        <translation>目录中没有设备“%1”。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; needs an AI model.</source>
        <translation>“%1”需要 AI 模型。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is a sensing step and takes no AI model (it has &quot;%2&quot;).</source>
        <translation>“%1”是感知步骤，不使用 AI 模型（当前为“%2”）。</translation>
    </message>
    <message>
        <source>%1 does %2, not %3.</source>
        <translation>%1 执行的是 %2，而不是 %3。</translation>
    </message>
    <message>
        <source>%1 cannot run on %2; it runs on: %3.</source>
        <translation>%1 无法在 %2 上运行；它可运行于：%3。</translation>
    </message>
    <message>
        <source>%1 lacks the sensor that &quot;%2&quot; reads.</source>
        <translation>%1 缺少“%2”所读取的传感器。</translation>
    </message>
    <message>
        <source>Input %1 comes from %2, which is not a task of the plan.</source>
        <translation>输入 %1 来自 %2，但它不是计划中的任务。</translation>
    </message>
    <message>
        <source>The link %1 → %2 is part of a cycle: a plan runs in one direction.</source>
        <translation>链接 %1 → %2 属于一个环路：计划只能单向执行。</translation>
    </message>
    <message>
        <source>%1 gives %2, but input %3 of %4 takes %5.</source>
        <translation>%1 输出 %2，但 %4 的输入 %3 接受的是 %5。</translation>
    </message>
    <message numerus="yes">
        <source>&quot;%1&quot; takes %n input(s), the task has %2.</source>
        <translation>
            <numerusform>“%1”需要 %n 个输入，而该任务有 %2 个。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>edgegpt::PlanEditor</name>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>Delete the selected tasks and links</source>
        <translation>删除所选的任务和链接</translation>
    </message>
    <message>
        <source>Auto &amp;layout</source>
        <translation>自动布局(&amp;L)</translation>
    </message>
    <message>
        <source>Place the tasks in layers, sources on the left</source>
        <translation>将任务按层排列，源任务位于左侧</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Fit to window</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <source>Add task</source>
        <translation>添加任务</translation>
    </message>
    <message>
        <source>Add a task of the catalog to the plan</source>
        <translation>将目录中的任务添加到计划</translation>
    </message>
    <message>
        <source>Sensing steps</source>
        <translation>感知步骤</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Undo %1</source>
        <translation>撤销：%1</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Redo %1</source>
        <translation>重做：%1</translation>
    </message>
    <message>
        <source>Drag from a task&apos;s right-hand dot to another task to link them.</source>
        <translation>从任务右侧的圆点拖动到另一个任务即可将二者链接。</translation>
    </message>
    <message>
        <source>AI model</source>
        <translation>AI 模型</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>No task selected</source>
        <translation>未选择任务</translation>
    </message>
    <message>
        <source>Select a task to choose its AI model and device.</source>
        <translation>选择一个任务以为其选择 AI 模型和设备。</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Takes: %1</source>
        <translation>输入：%1</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Gives: %1</source>
        <translation>输出：%1</translation>
    </message>
    <message>
        <source>none (sensing step)</source>
        <translation>无（感知步骤）</translation>
    </message>
    <message>
        <source>(choose a model)</source>
        <translation>（选择模型）</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>plan</source>
        <translation>计划</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>No problems: the plan fits the catalog.</source>
        <translation>没有问题：计划与目录相符。</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s)</source>
        <translation>
            <numerusform>%n 个问题</numerusform>
        </translation>
    </message>
    <message>
        <source>Not runnable here: no model binding serves this model.</source>
        <translation>此处无法运行：没有模型绑定服务此模型。</translation>
    </message>
    <message>
        <source>Runs here as a stand-in: %1.</source>
        <translation>此处以替身运行：%1。</translation>
    </message>
    <message>
        <source>Runs here as model %1.</source>
        <translation>此处以模型 %1 运行。</translation>
    </message>
</context>
<context>
    <name>edgegpt::PlanGraphScene</name>
    <message>
        <source>%1 → %2 (%3)</source>
        <translation>%1 → %2（%3）</translation>
    </message>
</context>
<context>
    <name>edgegpt::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>LLM planner (OpenAI-compatible endpoint)</source>
        <translation>LLM 规划器（OpenAI 兼容端点）</translation>
    </message>
    <message>
        <source>from OPENAI_API_KEY</source>
        <translation>来自 OPENAI_API_KEY</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>基础 URL</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>Timeout</source>
        <translation>超时</translation>
    </message>
    <message>
        <source>Demonstrations</source>
        <translation>示例数</translation>
    </message>
    <message>
        <source>Interface</source>
        <translation>界面</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>A new language applies the next time the console starts.</source>
        <translation>新语言将在下次启动控制台时生效。</translation>
    </message>
    <message>
        <source>Enter an http:// or https:// address.</source>
        <translation>请输入 http:// 或 https:// 地址。</translation>
    </message>
    <message>
        <source>The key comes from the OPENAI_API_KEY environment variable: this system has no keychain the console can use, so keys are never written to the settings. A key typed here is used until the console closes.</source>
        <translation>密钥来自 OPENAI_API_KEY 环境变量：此系统没有控制台可用的密钥链，因此密钥绝不会写入设置。在此输入的密钥仅在控制台关闭前有效。</translation>
    </message>
    <message>
        <source>No OPENAI_API_KEY in the environment. This system has no keychain the console can use, so keys are never written to the settings: set OPENAI_API_KEY before starting the console, or type a key here for this session. Local servers usually need none.</source>
        <translation>环境中没有 OPENAI_API_KEY。此系统没有控制台可用的密钥链，因此密钥绝不会写入设置：请在启动控制台前设置 OPENAI_API_KEY，或在此输入仅用于本次会话的密钥。本地服务器通常不需要密钥。</translation>
    </message>
    <message>
        <source>Demo fleet</source>
        <translation>演示设备群</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Model folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <source>A model trained by edgegpt train, with the profile.json of edgegpt bench coinference. Empty: the folder those commands use by default.</source>
        <translation>由 edgegpt train 训练的模型，附带 edgegpt bench coinference 生成的 profile.json。留空：使用这些命令的默认文件夹。</translation>
    </message>
    <message>
        <source>Model bindings</source>
        <translation>模型绑定</translation>
    </message>
    <message>
        <source>built-in: image classification by the fashion-mnist cnn</source>
        <translation>内置：图像分类由 fashion-mnist cnn 执行</translation>
    </message>
    <message>
        <source>Model bindings file</source>
        <translation>模型绑定文件</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <source>Bindings file</source>
        <translation>绑定文件</translation>
    </message>
    <message>
        <source>Which runnable model serves each catalog model. The graph marks stand-ins and tasks not runnable here, and planning prefers tasks that run. Empty: the built-in bindings.</source>
        <translation>每个目录模型由哪个可运行的模型提供服务。图中会标出替身以及此处无法运行的任务，规划时优先选择可运行的任务。留空：使用内置绑定。</translation>
    </message>
</context>
<context>
    <name>edgegpt::TaskNodeItem</name>
    <message>
        <source>%1: %2
AI model: %3
Device: %4</source>
        <translation>%1：%2
AI 模型：%3
设备：%4</translation>
    </message>
    <message>
        <source>none (sensing step)</source>
        <translation>无（感知步骤）</translation>
    </message>
    <message>
        <source>sensing step, no AI model</source>
        <translation>感知步骤，无 AI 模型</translation>
    </message>
    <message>
        <source>no model chosen</source>
        <translation>未选择模型</translation>
    </message>
    <message>
        <source>stand-in</source>
        <translation>替身</translation>
    </message>
    <message>
        <source>not runnable here</source>
        <translation>此处无法运行</translation>
    </message>
    <message>
        <source>Not runnable here: no model binding serves %1.</source>
        <translation>此处无法运行：没有模型绑定服务 %1。</translation>
    </message>
    <message>
        <source>Runs here as a stand-in: %1 (model %2).</source>
        <translation>此处以替身运行：%1（模型 %2）。</translation>
    </message>
    <message>
        <source>Runs here as model %1.</source>
        <translation>此处以模型 %1 运行。</translation>
    </message>
</context>
</TS>
